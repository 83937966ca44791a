#include "core/metadata/metadata_image.hpp"

#include "sim/assert.hpp"

namespace ksim::core {

namespace {

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

}  // namespace

void MetadataImage::apply(Offset offset, const MetadataRecord& record) {
  KSIM_ASSERT(offset > offset_, "metadata records are applied in log order, once");
  offset_ = offset;
  std::visit(Overloaded{
                 [](const NoOpRecord&) {},
                 [](const LeaderChangeRecord&) {},
                 [&](const RegisterBrokerRecord& r) {
                   BrokerRegistration& b = brokers_[r.broker];
                   b.id = r.broker;
                   b.rack = r.rack;
                   b.incarnation_id = r.incarnation_id;
                   b.epoch = offset.value();
                   b.fenced = true;
                   b.in_controlled_shutdown = false;
                 },
                 [&](const BrokerRegistrationChangeRecord& r) {
                   const auto it = brokers_.find(r.broker);
                   if (it == brokers_.end() || it->second.epoch != r.broker_epoch) return;  // a replaced run's
                   if (r.fenced) it->second.fenced = *r.fenced;
                   if (r.in_controlled_shutdown) it->second.in_controlled_shutdown = *r.in_controlled_shutdown;
                 },
                 [&](const TopicRecord& r) { topics_[r.name] = TopicImage{r.name, r.config, {}}; },
                 [&](const ConfigRecord& r) {
                   const auto it = topics_.find(r.topic);
                   if (it != topics_.end()) it->second.config = r.config;
                 },
                 [&](const PartitionRecord& r) {
                   auto& partitions = topics_.at(r.state.tp.topic).partitions;
                   KSIM_ASSERT(static_cast<std::size_t>(r.state.tp.partition) == partitions.size(),
                               "partitions are created in order");
                   partitions.push_back(r.state);
                 },
                 [&](const PartitionChangeRecord& r) {
                   topics_.at(r.state.tp.topic).partitions.at(static_cast<std::size_t>(r.state.tp.partition)) = r.state;
                 },
             },
             record);
}

const BrokerRegistration* MetadataImage::broker(BrokerId id) const {
  const auto it = brokers_.find(id);
  return it == brokers_.end() ? nullptr : &it->second;
}

const TopicImage* MetadataImage::topic(const std::string& name) const {
  const auto it = topics_.find(name);
  return it == topics_.end() ? nullptr : &it->second;
}

const PartitionState* MetadataImage::partition(const TopicPartition& tp) const {
  const TopicImage* t = topic(tp.topic);
  if (t == nullptr || tp.partition < 0 || tp.partition >= static_cast<std::int32_t>(t->partitions.size())) {
    return nullptr;
  }
  return &t->partitions[static_cast<std::size_t>(tp.partition)];
}

bool MetadataImage::usable(BrokerId id) const {
  const BrokerRegistration* b = broker(id);
  return b != nullptr && !b->fenced && !b->in_controlled_shutdown;
}

}  // namespace ksim::core
