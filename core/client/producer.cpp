#include "core/client/producer.hpp"

#include <algorithm>

#include "core/client/partitioner.hpp"

namespace ksim::core {
// What a record adds to a batch, as v2 encodes it (deltas are taken as one byte each).
std::int64_t record_size(std::int64_t key, std::uint32_t key_bytes, std::uint32_t value_bytes) {
  const std::int64_t body = 1 + 1 + 1 + varint_bytes(key < 0 ? -1 : key_bytes) + (key < 0 ? 0 : key_bytes) +
                            varint_bytes(value_bytes) + value_bytes + 1;
  return varint_bytes(body) + body;
}


Producer::Producer(KafkaEvents& events, std::string name, ProducerConfig config, std::vector<sim::NodeId> bootstrap)
    : KafkaClient(events, std::move(name), std::move(bootstrap), config.request_timeout),
      config_(config),
      idempotent_(decide_idempotence(config).enabled) {
  // Configs come validated (the scenario loader reports decide_idempotence()'s error as bad
  // input); a producer built from a refused config is a bug.
  KSIM_ASSERT(decide_idempotence(config).error.empty(), "the producer config conflicts with idempotence");
  set_connection_config(config.connection);
}

std::size_t Producer::pending_records() const {
  std::size_t n = waiting_.size();
  for (const auto& [tp, queue] : batches_) {
    for (const auto& b : queue) n += b->contents().size();
  }
  return n;
}

void Producer::visit_pending(const std::function<void(std::uint64_t, const std::string&, sim::Time)>& visit) const {
  for (const Waiting& w : waiting_) visit(w.record.id, w.record.topic, w.since);
  for (const auto& [tp, queue] : batches_) {
    for (const auto& b : queue) {
      for (const Record& r : b->contents()) visit(r.id, tp.topic, b->created_at);
    }
  }
}

std::optional<sim::Time> Producer::oldest_pending() const {
  std::optional<sim::Time> oldest;
  const auto older = [&](sim::Time t) {
    if (!oldest || t < *oldest) oldest = t;
  };
  if (!waiting_.empty()) older(waiting_.front().since);
  for (const auto& [tp, queue] : batches_) {
    if (!queue.empty()) older(queue.front()->created_at);
  }
  return oldest;
}

void Producer::on_start() {
  request_metadata();
  if (idempotent_) init_producer_id();
}

void Producer::reconfigure(const ProducerConfig& config) {
  KSIM_ASSERT(decide_idempotence(config).error.empty(), "the producer config conflicts with idempotence");
  const bool was_idempotent = idempotent_;
  // The built-in partitioners stick for batch.size bytes: new ones count with the new size.
  if (config.batch_size != config_.batch_size) built_in_.clear();
  config_ = config;
  idempotent_ = decide_idempotence(config).enabled;
  set_connection_config(config.connection);
  if (was_idempotent && !idempotent_) {
    producer_id_ = kNoProducerId;
    forget_sequences();
  }
  if (running()) {
    if (idempotent_ && !was_idempotent) init_producer_id();
    wake_sender(now());
  }
}

void Producer::init_producer_id() {
  if (producer_id_ != kNoProducerId || !has_bootstrap()) return;
  const sim::NodeId target = next_bootstrap();
  init_target_ = target;
  send_message(target, InitProducerIdRequest{next_correlation_++}, [this, target] {
    after(config_.request_timeout, [this, target] {  // no answer: close that connection, ask another broker
      if (producer_id_ != kNoProducerId) return;
      disconnect(target);
      init_producer_id();
    });
  });
}

void Producer::on_stop(sim::StopKind) {
  // A crashed producer loses everything it had not sent; the history stays with the observer.
  batches_.clear();
  last_queue_tp_ = nullptr;
  last_queue_ = nullptr;
  waiting_.clear();
  in_flight_.clear();
  in_flight_per_broker_.clear();
  buffered_bytes_ = 0;
  metadata_.clear();
  producer_id_ = kNoProducerId;
  forget_sequences();
  built_in_.clear();
  legacy_sticky_.clear();
  round_robin_.clear();
  node_latency_.clear();
  sender_at_ = sim::Time::max();
  sender_timer_ = sim::TimerId{};
}

void Producer::connection_ready(sim::NodeId) { wake_sender(now()); }

void Producer::connection_lost(sim::NodeId peer) {
  metadata_peer_reset(peer);
  if (idempotent_ && producer_id_ == kNoProducerId && peer == init_target_) init_producer_id();
  // As Java's NetworkClient does on a disconnect: ask where the leaders are now. With acks=0
  // this is the only way the producer ever learns that its leader is gone.
  request_metadata();
  fail_requests_to(peer);
}

void Producer::fail_requests_to(sim::NodeId broker) {
  std::vector<std::int32_t> lost;
  for (const auto& [correlation, request] : in_flight_) {
    if (request.broker == broker) lost.push_back(correlation);
  }
  for (const std::int32_t correlation : lost) fail_request(correlation);
}

void Producer::request_timed_out(std::int32_t correlation) {
  const auto it = in_flight_.find(correlation);
  if (it == in_flight_.end()) return;
  // As Java's NetworkClient does: a request unanswered after request.timeout.ms closes its
  // connection, and every request in flight on that connection fails with it. Their batches go
  // back for a retry; an answer the broker sends on the closed connection is lost.
  const sim::NodeId broker = it->second.broker;
  disconnect(broker);
  fail_requests_to(broker);
}

void Producer::handle(sim::NodeId, const MetadataResponse& m) {
  metadata_.apply(m, simulation(), now());
  drain_waiting();
  wake_sender(now());
}

void Producer::handle(sim::NodeId, const InitProducerIdResponse& m) {
  if (m.error != ErrorCode::NONE) return;
  producer_id_ = m.producer_id;
  producer_epoch_ = m.producer_epoch;
  wake_sender(now());
}

void Producer::send(ProducerRecord record, Callback callback) {
  ++history_.sent;
  waiting_.push_back(Waiting{std::move(record), std::move(callback), now()});
  drain_waiting();
}

void Producer::drain_waiting() {
  while (!waiting_.empty()) {
    Waiting& front = waiting_.front();
    if (try_append(front)) {
      waiting_.pop_front();
      continue;
    }
    if (now() - front.since >= config_.max_block) {
      // The application's send() gave up: memory (or metadata) did not come within max.block.ms.
      Batch lone;
      lone.tp = TopicPartition{front.record.topic, front.record.partition.value_or(-1)};
      lone.created_at = front.since;
      lone.records.push_back(Record{front.record.id, front.record.key, front.record.key_bytes,
                                    front.record.value_bytes, front.since});
      lone.callbacks.push_back(std::move(front.callback));
      waiting_.pop_front();
      complete(lone, ClientError::max_block, ErrorCode::NONE, -1);
      continue;
    }
    if (metadata_.partition_count(front.record.topic) == 0) request_metadata();
    after(front.since + config_.max_block - now(), [this] { drain_waiting(); });
    return;
  }
}

bool Producer::try_append(Waiting& waiting) {
  const ProducerRecord& record = waiting.record;
  const std::int64_t size = record_size(record.key, record.key_bytes, record.value_bytes);
  if (size + kBatchHeaderBytes > config_.max_request_size || size > config_.buffer_memory) {
    Batch lone;
    lone.tp = TopicPartition{record.topic, record.partition.value_or(-1)};
    lone.created_at = now();
    lone.records.push_back(Record{record.id, record.key, record.key_bytes, record.value_bytes, now()});
    lone.callbacks.push_back(std::move(waiting.callback));
    complete(lone, ClientError::record_too_large, ErrorCode::NONE, -1);
    return true;
  }
  legacy_sticky_choice_ = false;
  built_in_choice_ = nullptr;
  std::optional<std::int32_t> partition = choose_partition(record);
  if (!partition) return false;
  BatchQueue* queue = &queue_of(record.topic, *partition);
  Batch* open = open_batch(*queue);
  if (open != nullptr && open->bytes + size > config_.batch_size) {
    open->closed = true;
    wake_sender(now());
    open = nullptr;
    // The built-in partitioner's switch, put off while this batch was filling, happens now that
    // it is full, before a new batch is opened here: the record goes to the next partition
    // (RecordAccumulator.append looks at partitionChanged again after a failed tryAppend).
    if (built_in_choice_ != nullptr && built_in_choice_->produced(0, true)) {
      const std::int32_t count = metadata_.partition_count(record.topic);
      built_in_choice_->switch_partition(available_partitions(record.topic, count), count, rng());
      partition = *built_in_choice_->current();
      queue = &queue_of(record.topic, *partition);
      open = open_batch(*queue);
      if (open != nullptr && open->bytes + size > config_.batch_size) {
        open->closed = true;
        wake_sender(now());
        open = nullptr;
      }
    }
  }
  if (open == nullptr) {
    const std::int64_t reserve = std::max<std::int64_t>(config_.batch_size, size + kBatchHeaderBytes);
    if (buffered_bytes_ + reserve > config_.buffer_memory) return false;  // blocked: wait for memory
    auto batch = std::make_unique<Batch>();
    batch->id = next_batch_id_++;
    batch->tp = TopicPartition{record.topic, *partition};
    batch->bytes = kBatchHeaderBytes;
    batch->reserved = reserve;
    batch->created_at = now();
    // Records of one workload are alike in size: room for a full batch of this one's size spares
    // the vectors their regrowth.
    const auto expected = static_cast<std::size_t>(std::min<std::int64_t>(config_.batch_size / std::max<std::int64_t>(size, 1) + 1, 4096));
    batch->records.reserve(expected);
    batch->callbacks.reserve(expected);
    buffered_bytes_ += reserve;
    open = batch.get();
    queue->push_back(std::move(batch));
    wake_sender(now() + config_.linger);
  }
  open->records.push_back(Record{record.id, record.key, record.key_bytes, record.value_bytes, now()});
  open->callbacks.push_back(std::move(waiting.callback));
  open->bytes += size;
  const bool new_batch = open->records.size() == 1;
  if (legacy_sticky_choice_) legacy_sticky_[record.topic].batch_id = open->id;
  if (open->bytes >= config_.batch_size) {
    open->closed = true;
    wake_sender(now());
  }
  // A new batch counts its header too, as Java's appendedBytes does.
  if (built_in_choice_ != nullptr) built_in_appended(record.topic, new_batch ? kBatchHeaderBytes + size : size, *queue);
  return true;
}

Producer::BatchQueue& Producer::queue_of(const std::string& topic, std::int32_t partition) {
  if (last_queue_tp_ != nullptr && last_queue_tp_->partition == partition && last_queue_tp_->topic == topic) {
    return *last_queue_;
  }
  const auto it = batches_.try_emplace(TopicPartition{topic, partition}).first;
  last_queue_tp_ = &it->first;
  last_queue_ = &it->second;
  return it->second;
}

void Producer::flush() {
  flushing_ = true;
  for (auto& [tp, queue] : batches_) {
    for (auto& b : queue) b->closed = true;
  }
  wake_sender(now());
}

void Producer::wake_sender(sim::Time at) {
  if (!running()) return;
  at = std::max(at, now());
  if (at >= sender_at_) return;
  cancel(sender_timer_);
  sender_at_ = at;
  sender_timer_ = this->at(at, [this] {
    sender_at_ = sim::Time::max();
    run_sender();
  });
}

void Producer::expire_batches() {
  // In flight or not: a batch past delivery.timeout.ms fails now, and an answer that comes later
  // for it is ignored, as the Java sender expires in-flight batches too.
  std::vector<Batch*> expired;
  for (auto& [tp, queue] : batches_) {
    for (auto& b : queue) {
      if (now() - b->created_at >= config_.delivery_timeout) expired.push_back(b.get());
    }
  }
  for (Batch* b : expired) {
    // A batch given up on after it was sent may or may not be in the log: its partition sends
    // nothing new until the batches in flight tell (Sender.sendProducerData).
    const bool unresolved = idempotent_ && b->retried && b->base_sequence >= 0;
    const TopicPartition tp = b->tp;
    const std::int32_t next_sequence = b->last_sequence() + 1;
    complete(*b, ClientError::delivery_timeout, b->last_error, -1);
    if (unresolved) mark_sequence_unresolved(tp, next_sequence);
  }
}

void Producer::run_sender() {
  expire_batches();
  if (now() - metadata_.updated_at() > config_.metadata_max_age) request_metadata();
  if (idempotent_) {
    resolve_sequences();
    bump_epoch_if_required();
    if (producer_id_ == kNoProducerId) return;  // woken again by InitProducerId
  }
  if (!built_in_.empty()) update_load_stats();
  sim::Time next_wake = sim::Time::max();
  std::map<BrokerId, std::vector<Batch*>> ready;
  std::map<BrokerId, std::int64_t> request_bytes;
  bool any_pending = false;
  bool buffer_full = false;
  for (auto& [tp, queue] : batches_) {
    if (queue.empty()) continue;
    any_pending = true;
    if (!metadata_.leader_node(tp)) {
      request_metadata();
      continue;
    }
    const BrokerId leader = metadata_.partition(tp)->leader;
    next_wake = std::min(next_wake, queue.front()->created_at + config_.delivery_timeout);  // > now
    // As the Java sender: batches go only to a leader whose connection is ready (the others are
    // being opened, and the batches wait in the accumulator), and only once the previous request
    // on it was wholly written into the socket's send buffer.
    const sim::NodeId leader_node = *metadata_.leader_node(tp);
    if (config_.partitioner_availability_timeout > sim::Duration{}) note_leader_latency(queue, leader, leader_node);
    if (!KafkaNode::ready(leader_node)) continue;
    if (unacknowledged_bytes(leader_node) > static_cast<std::uint64_t>(config_.send_buffer_bytes)) {
      buffer_full = true;
      continue;
    }
    const bool partition_busy = std::any_of(queue.begin(), queue.end(), [](const auto& b) { return b->in_flight; });
    if (config_.max_in_flight == 1 && partition_busy) continue;  // keep order: one at a time
    // A batch joins the request this pass is building for its leader, or opens one if the
    // connection has room for another request in flight.
    if (ready.count(leader) == 0U && in_flight_per_broker_[leader] >= config_.max_in_flight) continue;
    for (std::size_t i = 0; i < queue.size(); ++i) {
      Batch& b = *queue[i];
      if (b.in_flight) continue;
      if (!may_send(b)) break;  // an answer or an expiry wakes the sender
      const bool full = b.closed || i + 1 < queue.size();
      const sim::Time linger_done = b.created_at + config_.linger;
      if (b.retry_at > now()) {
        next_wake = std::min(next_wake, b.retry_at);
      } else if (!full && !flushing_ && linger_done > now()) {
        next_wake = std::min(next_wake, linger_done);
      } else if (request_bytes[leader] + b.bytes <= config_.max_request_size || ready[leader].empty()) {
        ready[leader].push_back(&b);
        request_bytes[leader] += b.bytes;
      }
      break;  // one batch per partition per request
    }
  }
  for (auto& [broker, list] : ready) send_to(broker, std::move(list));
  // The socket tells Java's selector when it drains; ksim looks again shortly.
  if (buffer_full) next_wake = std::min(next_wake, now() + kSendBufferPoll);
  if (!any_pending) flushing_ = false;
  if (next_wake != sim::Time::max()) wake_sender(next_wake);
}

void Producer::note_leader_latency(const BatchQueue& queue, BrokerId leader, sim::NodeId leader_node) {
  // As the Java sender: a leader with a batch ready to go (full or lingered long enough, not
  // backing off) is noted as ready; as drained too if it could take a request now.
  const auto unsent = std::find_if(queue.begin(), queue.end(), [](const auto& b) { return !b->in_flight; });
  if (unsent == queue.end()) return;
  const Batch& b = **unsent;
  const bool full = b.closed || unsent + 1 != queue.end();
  if (b.retry_at > now() || (!full && !flushing_ && b.created_at + config_.linger > now())) return;
  const bool taken = KafkaNode::ready(leader_node) &&
                     unacknowledged_bytes(leader_node) <= static_cast<std::uint64_t>(config_.send_buffer_bytes) &&
                     in_flight_per_broker_[leader] < config_.max_in_flight;
  note_node_latency(leader, taken);
}

void Producer::send_to(BrokerId broker, std::vector<Batch*> list) {
  ProduceRequest request;
  request.correlation_id = next_correlation_++;
  request.acks = config_.acks;
  request.timeout = config_.request_timeout;
  InFlight flight;
  flight.broker = *metadata_.broker_node(broker);
  flight.broker_id = broker;
  for (Batch* b : list) {
    if (!b->built) b->built = make_record_set(std::move(b->records), config_.compression);
    if (idempotent_ && b->base_sequence < 0) assign_sequence(*b);
    RecordBatch batch;
    batch.records = b->built;
    if (idempotent_) {
      batch.producer_id = producer_id_;
      batch.producer_epoch = b->epoch;
      batch.base_sequence = b->base_sequence;
    }
    request.partitions.push_back({b->tp, std::move(batch)});
    b->in_flight = true;
    b->closed = true;
    ++b->attempts;
    flight.batches.push_back(b->id);
  }
  ++history_.requests;
  const std::int32_t correlation = request.correlation_id;
  send_message(flight.broker, std::move(request));
  const bool written = unacknowledged_bytes(flight.broker) <= static_cast<std::uint64_t>(config_.send_buffer_bytes);
  if (config_.acks == 0 && written) {
    // Nothing will come back: once written to the socket the batches count as sent, with no
    // offset.
    for (const std::uint64_t id : flight.batches) {
      if (Batch* b = find_batch(id)) complete(*b, ClientError::none, ErrorCode::NONE, -1);
    }
    // No answer will wake the sender for the next batches of these partitions: look again now.
    wake_sender(now());
    return;
  }
  // An acks=0 request that did not fit in the send buffer (the broker is not acknowledging) is
  // in flight until it is written, and times out like any other.
  flight.awaiting_write = config_.acks == 0;
  if (flight.awaiting_write) after(kSendBufferPoll, [this] { check_writes(); });
  flight.timeout = after(config_.request_timeout, [this, correlation] { request_timed_out(correlation); });
  ++in_flight_per_broker_[broker];
  in_flight_.emplace(correlation, std::move(flight));
}

void Producer::check_writes() {
  std::vector<std::int32_t> written;
  bool waiting = false;
  for (const auto& [correlation, flight] : in_flight_) {
    if (!flight.awaiting_write) continue;
    if (unacknowledged_bytes(flight.broker) <= static_cast<std::uint64_t>(config_.send_buffer_bytes)) {
      written.push_back(correlation);
    } else {
      waiting = true;
    }
  }
  for (const std::int32_t correlation : written) {
    const std::optional<InFlight> flight = take_in_flight(correlation);
    for (const std::uint64_t id : flight->batches) {
      if (Batch* b = find_batch(id)) complete(*b, ClientError::none, ErrorCode::NONE, -1);
    }
  }
  if (waiting) after(kSendBufferPoll, [this] { check_writes(); });
  if (!written.empty()) wake_sender(now());
}

Producer::Batch* Producer::find_batch(std::uint64_t id) {
  for (auto& [tp, queue] : batches_) {
    for (auto& b : queue) {
      if (b->id == id) return b.get();
    }
  }
  return nullptr;
}

std::optional<Producer::InFlight> Producer::take_in_flight(std::int32_t correlation) {
  const auto it = in_flight_.find(correlation);
  if (it == in_flight_.end()) return std::nullopt;  // already answered, or given up on
  InFlight flight = std::move(it->second);
  in_flight_.erase(it);
  cancel(flight.timeout);
  --in_flight_per_broker_[flight.broker_id];
  return flight;
}

void Producer::handle(sim::NodeId, const ProduceResponse& m) {
  const std::optional<InFlight> flight = take_in_flight(m.correlation_id);
  if (!flight) return;
  for (const std::uint64_t id : flight->batches) {
    Batch* b = find_batch(id);
    if (b == nullptr) continue;
    const auto result = std::find_if(m.partitions.begin(), m.partitions.end(),
                                     [&](const auto& p) { return p.tp == b->tp; });
    if (result == m.partitions.end()) continue;
    if (result->error == ErrorCode::NONE) {
      if (idempotent_) sequence_acknowledged(*b);
      complete(*b, ClientError::none, ErrorCode::NONE, result->base_offset);
    } else if (result->error == ErrorCode::MESSAGE_TOO_LARGE && b->contents().size() > 1) {
      split_and_requeue(*b);
    } else {
      if (result->error == ErrorCode::NOT_LEADER_OR_FOLLOWER ||
          result->error == ErrorCode::UNKNOWN_TOPIC_OR_PARTITION ||
          result->error == ErrorCode::LEADER_NOT_AVAILABLE) {
        request_metadata();
      }
      retry_or_fail(*b, result->error, result->log_start_offset);
    }
  }
  wake_sender(now());
}

void Producer::split_and_requeue(Batch& big) {
  // RecordAccumulator.splitAndReenqueue: a batch straight from the accumulator is cut to
  // batch.size; a batch that is itself a part of a split is halved (KAFKA-8350), so that the
  // parts shrink until the topic's max.message.bytes takes them. Each part holds at least one
  // record, keeps the big batch's creation time (its delivery timeout runs on), starts with no
  // attempts and no backoff, and takes the sequences the big batch had (the broker refused it, so
  // they are free). The parts are not counted against buffer.memory: Java allocates them outside
  // its pool, and frees the big batch's buffer.
  const std::vector<Record>& records = big.contents();
  std::int64_t largest = 0;
  for (const Record& r : records) largest = std::max(largest, record_size(r.key, r.key_bytes, r.value_bytes) + kBatchHeaderBytes);
  const std::int64_t target = big.split_part ? std::max(largest, big.bytes / 2) : config_.batch_size;
  std::vector<std::unique_ptr<Batch>> parts;
  for (std::size_t i = 0; i < records.size(); ++i) {
    const std::int64_t size = record_size(records[i].key, records[i].key_bytes, records[i].value_bytes);
    if (parts.empty() || (!parts.back()->records.empty() && parts.back()->bytes + size > target)) {
      auto part = std::make_unique<Batch>();
      part->id = next_batch_id_++;
      part->tp = big.tp;
      part->bytes = kBatchHeaderBytes;
      part->created_at = big.created_at;
      part->closed = true;
      part->split_part = true;
      part->last_error = big.last_error;
      parts.push_back(std::move(part));
    }
    Batch& part = *parts.back();
    part.records.push_back(records[i]);
    part.callbacks.push_back(i < big.callbacks.size() ? std::move(big.callbacks[i]) : Callback{});
    part.bytes += size;
  }
  if (big.base_sequence >= 0) {
    std::int32_t sequence = big.base_sequence;
    for (auto& part : parts) {
      part->base_sequence = sequence;
      part->epoch = big.epoch;
      sequence += static_cast<std::int32_t>(part->records.size());
    }
  }
  emit(BatchSplit{big.tp, static_cast<std::uint32_t>(records.size()), static_cast<std::uint32_t>(parts.size())});
  BatchQueue& queue = batches_.at(big.tp);
  const auto at = std::find_if(queue.begin(), queue.end(), [&](const auto& b) { return b.get() == &big; });
  buffered_bytes_ -= big.reserved;
  const auto after_big = queue.erase(at);  // `big` is gone from here on
  queue.insert(after_big, std::make_move_iterator(parts.begin()), std::make_move_iterator(parts.end()));
  drain_waiting();
}

void Producer::fail_request(std::int32_t correlation) {
  const std::optional<InFlight> flight = take_in_flight(correlation);
  if (!flight) return;
  // The request may or may not have been appended: the producer cannot tell, and retries.
  for (const std::uint64_t id : flight->batches) {
    if (Batch* b = find_batch(id)) retry_or_fail(*b, ErrorCode::REQUEST_TIMED_OUT);
  }
  request_metadata();
  wake_sender(now());
}

void Producer::retry_or_fail(Batch& batch, ErrorCode error, Offset log_start_offset) {
  batch.in_flight = false;
  batch.last_error = error;
  const bool in_time = now() - batch.created_at < config_.delivery_timeout;
  const bool retries_left = batch.attempts <= config_.retries;
  // As Sender.canRetry: time and retries first; only then does an idempotent producer look at
  // its sequences (which may ask for an epoch bump).
  if (in_time && retries_left && (idempotent_ ? may_retry_idempotent(batch, error, log_start_offset) : is_retriable(error))) {
    ++history_.retries;
    batch.retried = true;
    // retry.backoff.ms doubling per attempt up to retry.backoff.max.ms, with +-20% jitter.
    std::int64_t backoff = config_.retry_backoff.ns();
    for (std::int32_t i = 1; i < batch.attempts && backoff < config_.retry_backoff_max.ns(); ++i) backoff *= 2;
    backoff = std::min(backoff, config_.retry_backoff_max.ns());
    const double jitter = rng().uniform_real(0.8, 1.2);
    batch.retry_at = now() + sim::Duration::from_ns(static_cast<std::int64_t>(static_cast<double>(backoff) * jitter));
    wake_sender(batch.retry_at);
    return;
  }
  const TopicPartition tp = batch.tp;
  complete(batch, in_time ? ClientError::broker : ClientError::delivery_timeout, error, -1);
  // Only with retries left is the refusal certain; a batch out of retries may be in the log, and
  // its sequence stays taken.
  if (idempotent_) sequence_failed(tp, error, retries_left);
}

void Producer::complete(Batch& batch, ClientError client_error, ErrorCode error, Offset base_offset) {
  BatchReport report;
  report.tp = batch.tp;
  report.base_offset = base_offset;
  report.first_record = history_.record_ids.size();
  const std::vector<Record>& records = batch.contents();
  report.records = static_cast<std::uint32_t>(records.size());
  report.attempts = batch.attempts;
  report.client_error = client_error;
  report.error = error;
  report.created_at = batch.created_at;
  report.completed_at = now();
  for (const Record& r : records) history_.record_ids.push_back(r.id);
  history_.batches.push_back(report);
  emit(BatchCompleted{batch.tp, base_offset, report.records, report.attempts, client_error, error});
  for (std::size_t i = 0; i < batch.callbacks.size(); ++i) {
    if (batch.callbacks[i]) batch.callbacks[i](records[i], report);
  }
  // Free the batch and its memory; blocked sends may go on.
  auto queue = batches_.find(batch.tp);
  if (queue != batches_.end()) {
    auto& list = queue->second;
    const auto it = std::find_if(list.begin(), list.end(), [&](const auto& b) { return b.get() == &batch; });
    if (it != list.end()) {
      buffered_bytes_ -= batch.reserved;
      list.erase(it);
      drain_waiting();
    }
  }
}

}  // namespace ksim::core
