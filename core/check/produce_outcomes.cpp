#include "core/check/produce_outcomes.hpp"

#include <algorithm>

namespace ksim::core {

void AckedOffsets::add(Offset offset, std::uint64_t record_id) {
  if (!entries_.empty() && offset <= entries_.back().first) sorted_ = false;
  entries_.emplace_back(offset, record_id);
}

const std::vector<std::pair<Offset, std::uint64_t>>& AckedOffsets::by_offset() const {
  if (sorted_) return entries_;
  // Stable: of equal offsets the later acknowledged stays last, and is the one kept.
  std::stable_sort(entries_.begin(), entries_.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::pair<Offset, std::uint64_t>> last;
  last.reserve(entries_.size());
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    if (i + 1 < entries_.size() && entries_[i + 1].first == entries_[i].first) continue;
    last.push_back(entries_[i]);
  }
  entries_.swap(last);
  sorted_ = true;
  ++version_;
  return entries_;
}

void ProduceOutcomes::catch_up() {
  for (Followed& f : followed_) {
    const ProducerHistory& h = f.producer->history();
    for (; f.batches_read < h.batches.size(); ++f.batches_read) read(h, h.batches[f.batches_read]);
  }
}

void ProduceOutcomes::read(const ProducerHistory& h, const BatchReport& b) {
  const bool acknowledged = b.ok() && b.base_offset >= 0;
  if (acknowledged) acked_by_partition_[b.tp] += b.records;
  const double latency_ms = static_cast<double>((b.completed_at - b.created_at).ns()) / 1e6;
  for (std::uint32_t i = 0; i < b.records; ++i) {
    const std::uint64_t id = h.record_ids[b.first_record + i];
    latency_.sent(id, b.created_at);
    if (!b.ok()) {
      ++failed_;
      // By the last error a broker gave it (also when the batch finally expired).
      if (b.error != ErrorCode::NONE) ++errors_[b.error];
      continue;
    }
    std::uint8_t& fate = fate_[id];
    KSIM_ASSERT(fate == 0, "a record completed twice");
    fate = acknowledged ? kDelivered | kAcknowledged : kDelivered;
    const bool held = logs_.holds(id);
    ++delivered_;
    delivered_held_ += held ? 1 : 0;
    if (!acknowledged) continue;
    ++acked_;
    acked_held_ += held ? 1 : 0;
    latencies_.add(latency_ms);
    acked_at_[b.tp].add(b.base_offset + i, id);
  }
}

void ProduceOutcomes::on_hold_changed(std::uint64_t record_id, bool held) {
  const std::uint8_t fate = fate_.get(record_id);
  const int change = held ? 1 : -1;
  if ((fate & kDelivered) != 0) delivered_held_ += change;
  if ((fate & kAcknowledged) != 0) acked_held_ += change;
}

std::int64_t ProduceOutcomes::sent() const {
  std::int64_t n = 0;
  for (const Followed& f : followed_) n += static_cast<std::int64_t>(f.producer->history().sent);
  return n;
}

std::int64_t ProduceOutcomes::batches() const {
  std::int64_t n = 0;
  for (const Followed& f : followed_) n += static_cast<std::int64_t>(f.producer->history().batches.size());
  return n;
}

std::int64_t ProduceOutcomes::retries() const {
  std::int64_t n = 0;
  for (const Followed& f : followed_) n += static_cast<std::int64_t>(f.producer->history().retries);
  return n;
}

namespace {

double wait_ms(sim::Time now, sim::Time since) { return static_cast<double>((now - since).ns()) / 1e6; }

}  // namespace

Quantiles ProduceOutcomes::latency_ms(sim::Time now) const {
  std::vector<std::pair<double, std::int64_t>> waiting;
  for (const Followed& f : followed_) {
    f.producer->visit_pending([&](std::uint64_t, const std::string&, sim::Time since) { waiting.emplace_back(wait_ms(now, since), 1); });
  }
  return latencies_.quantiles_with(std::move(waiting));
}

std::vector<std::pair<double, std::int64_t>> ProduceOutcomes::awaited_pending(sim::Time now) const {
  std::vector<std::pair<double, std::int64_t>> waiting;
  for (const Followed& f : followed_) {
    f.producer->visit_pending([&](std::uint64_t id, const std::string& topic, sim::Time since) {
      if (awaited_.count(topic) != 0U && !latency_.was_processed(id)) waiting.emplace_back(wait_ms(now, since), 1);
    });
  }
  return waiting;
}

const AckedOffsets* ProduceOutcomes::acked_at(const TopicPartition& tp) const {
  const auto it = acked_at_.find(tp);
  return it != acked_at_.end() ? &it->second : nullptr;
}

}  // namespace ksim::core
