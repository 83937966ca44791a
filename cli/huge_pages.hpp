// Transparent huge pages for ksim's heap, when the kernel offers them on request.
//
// A long run keeps hundreds of megabytes of history: every batch of every replica's log, every
// record a group processed. On 4 KiB pages the kernel's page faults and the processor's TLB misses
// take about a third of such a run. glibc backs its heap with transparent huge pages when the
// tunable glibc.malloc.hugetlb=1 is set (glibc 2.35 and later), but it reads tunables once, as the
// process starts, from the environment. So when the kernel's THP mode is "madvise" (huge pages for
// whoever asks: Debian's default) and the environment says nothing about it, ksim sets the tunable
// and starts itself again, once. What a run computes does not change; only the pages under it.
// "always" needs nothing, "never" gets nothing; GLIBC_TUNABLES naming hugetlb is left as it is.
#pragma once

#include <string>

namespace ksim::cli {

// Returns when nothing is to be done or the restart failed; otherwise does not return.
void restart_with_huge_pages(char** argv);

// What backs the heap of this process, in a few words for a benchmark's header, e.g.
// "transparent huge pages (glibc.malloc.hugetlb=1, THP mode madvise)".
std::string heap_pages();

}  // namespace ksim::cli
