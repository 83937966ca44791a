#include "core/client/producer_workload.hpp"

#include <algorithm>

namespace ksim::core {

ProducerWorkload::ProducerWorkload(Producer& producer, WorkloadSpec spec, sim::Rng rng)
    : producer_(producer), spec_(std::move(spec)), rng_(rng), next_id_(spec_.first_id), next_due_(spec_.start) {
  if (spec_.key_kind == KeyKind::zipf) zipf_.emplace(static_cast<std::uint64_t>(spec_.key_count), spec_.zipf_exponent);
  producer_.simulation().scheduler().schedule_at(std::max(spec_.start, producer_.simulation().now()),
                                                 [this] { tick(); });
}

bool ProducerWorkload::in_burst(sim::Time t) const {
  const std::int64_t phase = (t - spec_.start).ns() % spec_.burst_every.ns();
  return phase < spec_.burst_for.ns();
}

sim::Duration ProducerWorkload::gap() {
  const double mean_ns = 1e9 / spec_.rate;
  if (spec_.rate_kind == RateKind::poisson) {
    return sim::Duration::from_ns(std::max<std::int64_t>(1, static_cast<std::int64_t>(rng_.exponential(mean_ns))));
  }
  return sim::Duration::from_ns(std::max<std::int64_t>(1, static_cast<std::int64_t>(mean_ns)));
}

ProducerRecord ProducerWorkload::next_record() {
  ProducerRecord r;
  r.topic = spec_.topic;
  r.id = next_id_++;
  r.key_bytes = spec_.key_bytes;
  switch (spec_.key_kind) {
    case KeyKind::none: r.key = -1; break;
    case KeyKind::uniform: r.key = rng_.uniform_int(0, spec_.key_count - 1); break;
    case KeyKind::hot:
      r.key = rng_.bernoulli(spec_.hot_share) ? 0 : rng_.uniform_int(1, std::max<std::int64_t>(1, spec_.key_count - 1));
      if (r.key == 0 && spec_.hot_salts > 1) r.key = spec_.key_count + rng_.uniform_int(0, spec_.hot_salts - 1);
      break;
    case KeyKind::zipf: r.key = static_cast<std::int64_t>((*zipf_)(rng_)) - 1; break;
    case KeyKind::sequence: r.key = next_sequence_key_++ % spec_.key_count; break;
  }
  r.value_bytes = static_cast<std::uint32_t>(
      rng_.uniform_int(spec_.value_min_bytes, std::max(spec_.value_min_bytes, spec_.value_max_bytes)));
  return r;
}

void ProducerWorkload::tick() {
  sim::Simulation& sim = producer_.simulation();
  if (!producer_.running() || sim.now() >= spec_.stop) return;
  if (spec_.synchronous) {
    if (!waiting_for_answer_ && next_due_ <= sim.now()) {
      waiting_for_answer_ = true;
      producer_.send(next_record(), [this](const Record&, const BatchReport&) {
        waiting_for_answer_ = false;
        ++answered_;
        producer_.simulation().scheduler().schedule_after(sim::Duration{}, [this] { tick(); });
      });
      next_due_ = sim.now() + gap();
    }
    if (!waiting_for_answer_) sim.scheduler().schedule_at(std::max(next_due_, sim.now()), [this] { tick(); });
    return;
  }
  // Everything due by now (and up to the end of this tick) goes out together.
  const sim::Time horizon = sim.now() + spec_.tick;
  while (next_due_ < horizon && next_due_ < spec_.stop) {
    if (spec_.rate_kind != RateKind::burst || in_burst(next_due_)) {
      producer_.send(next_record(), [this](const Record&, const BatchReport&) { ++answered_; });
      next_due_ = next_due_ + gap();
    } else {
      // Outside a burst: skip to the start of the next one.
      const std::int64_t every = spec_.burst_every.ns();
      const std::int64_t since = (next_due_ - spec_.start).ns();
      next_due_ = spec_.start + sim::Duration::from_ns((since / every + 1) * every);
    }
  }
  if (next_due_ < spec_.stop) sim.scheduler().schedule_at(std::max(next_due_, horizon), [this] { tick(); });
}

}  // namespace ksim::core
