// SPDX-License-Identifier: GPL-2.0-or-later
#include <hub/metrics/metrics.hpp>

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <cstring>
#include <map>
#include <mutex>
#include <tuple>

namespace hub::metrics {

std::string_view result_class(int http_status) noexcept {
  if (http_status < 200) {
    return "1xx";
  }
  if (http_status < 300) {
    return "2xx";
  }
  if (http_status < 400) {
    return "3xx";
  }
  if (http_status < 500) {
    return "4xx";
  }
  return "5xx";
}

struct Metrics::Impl {
  std::shared_ptr<prometheus::Registry> registry = std::make_shared<prometheus::Registry>();

  // The catalogue: name, help, label names.
  prometheus::Family<prometheus::Counter>& requests =
      prometheus::BuildCounter()
          .Name("hub_http_requests_total")
          .Help("Inbound requests answered, by listener, protocol, module and result class")
          .Register(*registry);
  prometheus::Family<prometheus::Histogram>& latency =
      prometheus::BuildHistogram()
          .Name("hub_http_request_duration_seconds")
          .Help("Time from the first byte of a request to its answer being written")
          .Register(*registry);
  prometheus::Family<prometheus::Gauge>& connections =
      prometheus::BuildGauge()
          .Name("hub_http_active_connections")
          .Help("Open inbound connections per listener")
          .Register(*registry);
  prometheus::Family<prometheus::Gauge>& redis_up_family =
      prometheus::BuildGauge().Name("hub_redis_up").Help("1 when the hub's Redis answers").Register(*registry);
  prometheus::Family<prometheus::Gauge>& parties =
      prometheus::BuildGauge()
          .Name("hub_parties")
          .Help("Registered parties by protocol and status")
          .Register(*registry);
  prometheus::Family<prometheus::Counter>& reloads =
      prometheus::BuildCounter()
          .Name("hub_registry_reloads_total")
          .Help("Party registry snapshots rebuilt")
          .Register(*registry);
  prometheus::Family<prometheus::Gauge>& build_info =
      prometheus::BuildGauge().Name("hub_build_info").Help("Build information").Register(*registry);

  prometheus::Family<prometheus::Counter>& published =
      prometheus::BuildCounter()
          .Name("hub_bus_published_total")
          .Help("Events offered to the bus, by result (queued, duplicate, failed)")
          .Register(*registry);
  prometheus::Family<prometheus::Gauge>& queue_depth =
      prometheus::BuildGauge()
          .Name("hub_bus_queue_depth")
          .Help("Events queued for a destination and not yet delivered")
          .Register(*registry);
  prometheus::Family<prometheus::Gauge>& oldest_pending =
      prometheus::BuildGauge()
          .Name("hub_bus_oldest_pending_age_seconds")
          .Help("Age of the oldest undelivered event of a destination")
          .Register(*registry);
  prometheus::Family<prometheus::Histogram>& delivery_latency =
      prometheus::BuildHistogram()
          .Name("hub_bus_delivery_latency_seconds")
          .Help("Time from acceptance of an event to its successful delivery")
          .Register(*registry);
  prometheus::Family<prometheus::Counter>& attempts =
      prometheus::BuildCounter()
          .Name("hub_bus_delivery_attempts_total")
          .Help("Delivery attempts by outcome (ok, retryable, permanent)")
          .Register(*registry);
  prometheus::Family<prometheus::Counter>& retries =
      prometheus::BuildCounter().Name("hub_bus_delivery_retries_total").Help("Delivery retries scheduled").Register(*registry);
  prometheus::Family<prometheus::Counter>& dead =
      prometheus::BuildCounter()
          .Name("hub_bus_dead_letters_total")
          .Help("Events moved to the dead-letter list, by reason")
          .Register(*registry);
  prometheus::Family<prometheus::Counter>& coalesced_family =
      prometheus::BuildCounter()
          .Name("hub_bus_coalesced_total")
          .Help("Superseded states skipped while a destination was backlogged")
          .Register(*registry);
  prometheus::Family<prometheus::Counter>& losses =
      prometheus::BuildCounter()
          .Name("hub_translation_losses_total")
          .Help("Source fields the target protocol could not carry, by direction, object kind and field")
          .Register(*registry);
  prometheus::Family<prometheus::Counter>& refusals =
      prometheus::BuildCounter()
          .Name("hub_translation_refused_total")
          .Help("Objects the target protocol cannot express (not delivered), by direction and object kind")
          .Register(*registry);
  prometheus::Family<prometheus::Counter>& declined =
      prometheus::BuildCounter()
          .Name("hub_cdrs_declined_total")
          .Help("CDRs declined by the receiving EMP, by the CPO's protocol")
          .Register(*registry);

  prometheus::Counter& retry_count = retries.Add({});
  prometheus::Counter& coalesced_count = coalesced_family.Add({});
  prometheus::Gauge& redis_up = redis_up_family.Add({});
  prometheus::Counter& reload_count = reloads.Add({});

  // Cached handles: resolved on first use of a label combination; the sets are fixed and small.
  std::mutex mutex;
  /// "listener protocol module result" -> its counter and the (listener, protocol, module)
  /// histogram; looked up without building a string.
  struct RequestHandles {
    prometheus::Counter* counter;
    prometheus::Histogram* histogram;
  };
  std::map<std::string, RequestHandles, std::less<>> request_handles;
  std::map<std::tuple<std::string, std::string, std::string>, prometheus::Histogram*> latency_handles;

  /// Handles of one-label families by label value, resolved once (Family::Add hashes a label
  /// map under the family's lock on every call); the value sets are small (outcomes, kinds,
  /// destinations).
  template <class T>
  struct ByLabel {
    prometheus::Family<T>& family;
    const char* label;
    std::mutex mutex;
    std::map<std::string, T*, std::less<>> handles;

    template <class... Args>
    T& get(std::string_view value, const Args&... args) {
      std::lock_guard lock(mutex);
      auto it = handles.find(value);
      if (it == handles.end()) {
        T& handle = family.Add({{label, std::string(value)}}, args...);
        it = handles.emplace(std::string(value), &handle).first;
      }
      return *it->second;
    }
  };
  ByLabel<prometheus::Counter> published_by{published, "result", {}, {}};
  ByLabel<prometheus::Counter> attempts_by{attempts, "outcome", {}, {}};
  ByLabel<prometheus::Histogram> delivery_latency_by{delivery_latency, "kind", {}, {}};
  ByLabel<prometheus::Gauge> queue_depth_by{queue_depth, "destination", {}, {}};
  ByLabel<prometheus::Gauge> oldest_pending_by{oldest_pending, "destination", {}, {}};

  static prometheus::Histogram::BucketBoundaries buckets() {
    return {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
  }
};

Metrics::Metrics() : impl_(std::make_unique<Impl>()) {
  impl_->build_info.Add({{"version", "0.1.0"}}).Set(1);
  impl_->redis_up.Set(0);
}

Metrics::~Metrics() = default;

void Metrics::observe_request(std::string_view listener, std::string_view protocol, std::string_view module,
                              int http_status, std::chrono::steady_clock::duration latency) {
  auto cls = result_class(http_status);
  char buffer[256];
  std::string_view key;
  if (listener.size() + protocol.size() + module.size() + cls.size() + 3 <= sizeof buffer) {
    char* p = buffer;
    for (auto part : {listener, protocol, module, cls}) {
      if (p != buffer) {
        *p++ = ' ';
      }
      std::memcpy(p, part.data(), part.size());
      p += part.size();
    }
    key = std::string_view(buffer, static_cast<std::size_t>(p - buffer));
  }
  Impl::RequestHandles handles{};
  {
    std::lock_guard lock(impl_->mutex);
    auto it = key.empty() ? impl_->request_handles.end() : impl_->request_handles.find(key);
    if (it != impl_->request_handles.end()) {
      handles = it->second;
    } else {
      handles.counter = &impl_->requests.Add({{"listener", std::string(listener)},
                                              {"protocol", std::string(protocol)},
                                              {"module", std::string(module)},
                                              {"result", std::string(cls)}});
      auto lkey = std::make_tuple(std::string(listener), std::string(protocol), std::string(module));
      auto lit = impl_->latency_handles.find(lkey);
      if (lit == impl_->latency_handles.end()) {
        auto& h = impl_->latency.Add({{"listener", std::string(listener)},
                                      {"protocol", std::string(protocol)},
                                      {"module", std::string(module)}},
                                     Impl::buckets());
        lit = impl_->latency_handles.emplace(std::move(lkey), &h).first;
      }
      handles.histogram = lit->second;
      if (!key.empty()) {
        impl_->request_handles.emplace(std::string(key), handles);
      }
    }
  }
  handles.counter->Increment();
  handles.histogram->Observe(std::chrono::duration<double>(latency).count());
}

void Metrics::set_active_connections(std::string_view listener, double value) {
  impl_->connections.Add({{"listener", std::string(listener)}}).Set(value);
}

void Metrics::set_redis_up(bool up) { impl_->redis_up.Set(up ? 1 : 0); }

void Metrics::set_parties(std::string_view protocol, std::string_view status, double count) {
  impl_->parties.Add({{"protocol", std::string(protocol)}, {"status", std::string(status)}}).Set(count);
}

void Metrics::registry_reloaded() { impl_->reload_count.Increment(); }

void Metrics::published(std::string_view result) {
  impl_->published_by.get(result).Increment();
}

void Metrics::set_queue(std::string_view destination, double depth, double oldest_age_seconds) {
  impl_->queue_depth_by.get(destination).Set(depth);
  impl_->oldest_pending_by.get(destination).Set(oldest_age_seconds);
}

void Metrics::delivered(std::string_view kind, std::chrono::milliseconds accept_to_delivered) {
  impl_->delivery_latency_by.get(kind, Impl::buckets())
      .Observe(std::chrono::duration<double>(accept_to_delivered).count());
}

void Metrics::delivery_attempt(std::string_view outcome) {
  impl_->attempts_by.get(outcome).Increment();
}

void Metrics::delivery_retry() { impl_->retry_count.Increment(); }

void Metrics::dead_letter(std::string_view reason) {
  impl_->dead.Add({{"reason", std::string(reason)}}).Increment();
}

void Metrics::coalesced() { impl_->coalesced_count.Increment(); }

void Metrics::translation_loss(std::string_view direction, std::string_view kind, std::string_view field) {
  impl_->losses
      .Add({{"direction", std::string(direction)}, {"kind", std::string(kind)}, {"field", std::string(field)}})
      .Increment();
}

void Metrics::translation_refused(std::string_view direction, std::string_view kind) {
  impl_->refusals.Add({{"direction", std::string(direction)}, {"kind", std::string(kind)}}).Increment();
}

void Metrics::cdr_declined(std::string_view cpo_protocol) {
  impl_->declined.Add({{"cpo_protocol", std::string(cpo_protocol)}}).Increment();
}

std::string Metrics::serialize() const {
  prometheus::TextSerializer serializer;
  return serializer.Serialize(impl_->registry->Collect());
}

}  // namespace hub::metrics
