// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include "keyed_lock.hpp"
#include "store.hpp"
#include "wire.hpp"

#include <ocpi/hub.hpp>

#include <adapters/http_client.hpp>
#include <hub/bus/bus.hpp>
#include <hub/core/log.hpp>
#include <routing/registry.hpp>

#include <boost/asio/steady_timer.hpp>

#include <array>
#include <map>
#include <mutex>
#include <set>

namespace hub::ocpi {

inline constexpr std::string_view kVersion = "2.2.1";

/// What one inbound request carries once authenticated. Lives in the handling coroutine's
/// frame and is never copied (`correlation_id` may view `generated_id`).
struct Ctx {
  http::Request& req;
  routing::RoutingTablePtr table;
  const model::Party* party = nullptr;
  bool with_token_a = false;  ///< authenticated with the registration token A
  bool plain_token = false;   ///< the token was sent raw, not Base64
  wire::Routing routing;
  /// X-Correlation-ID of the request (a view of its field, which outlives the handling) or,
  /// when it has none usable, the one generated into `generated_id`.
  std::string_view correlation_id;
  std::array<char, 36> generated_id{};
};

/// A resolved receiver of a request or push.
struct Target {
  const model::Party* party = nullptr;
  model::PartyRef ref;  ///< the role reference used in OCPI-to-*
};

struct OcpiHub::Impl : std::enable_shared_from_this<OcpiHub::Impl> {
  Impl(boost::asio::any_io_executor executor, boost::asio::any_io_executor redis_executor, store::RedisClient& redis,
       routing::Registry& registry, bus::Bus& bus, http::HttpClient& client, HubOptions options,
       metrics::Metrics* metrics);

  boost::asio::any_io_executor executor;
  routing::Registry& registry;
  bus::Bus& bus;
  http::HttpClient& client;
  HubOptions options;
  metrics::Metrics* metrics;
  ObjectStore store;
  /// Merges into one stored object run one at a time in this process (see KeyedLocks).
  KeyedLocks merges;
  std::shared_ptr<spdlog::logger> log = hub::log::get("ocpi");
  boost::asio::steady_timer alive_timer;

  mutable std::mutex mutex;
  std::string public_url_;
  std::map<std::string, std::string> client_info_;  ///< "CC/PID/ROLE" -> ClientInfo JSON last pushed
  std::set<std::string> client_info_receivers_;     ///< party ids that had a hubclientinfo receiver
  bool stopping = false;

  std::string public_url() const;
  std::string version_url() const { return public_url() + "/ocpi/" + std::string(kVersion); }
  std::string module_url(std::string_view interface, std::string_view module) const {
    return version_url() + "/" + std::string(interface) + "/" + std::string(module);
  }

  // hub.cpp
  boost::asio::awaitable<http::Response> handle(http::Request& req);
  http::Response versions(Ctx& ctx);
  http::Response details(Ctx& ctx);
  std::string hub_credentials(const std::string& token) const;
  boost::asio::awaitable<http::Response> credentials(Ctx& ctx);
  http::Response client_info_list(Ctx& ctx);
  boost::asio::awaitable<Result<model::Party>> connect(std::string party_id, std::string versions_url,
                                                       std::string token_a);
  /// GET versions + the 2.2.1 details of a platform; fills versions_url/version/endpoints.
  boost::asio::awaitable<Result<void>> read_endpoints(std::string versions_url, std::string token, bool& plain,
                                                      std::string& version_url_out,
                                                      std::vector<model::Endpoint>& endpoints, std::string& failure);
  boost::asio::awaitable<http::ClientResult> call(const model::Party& dest, std::string method, std::string url,
                                                  std::string body, std::chrono::milliseconds timeout,
                                                  const std::optional<model::PartyRef>& to,
                                                  const std::optional<model::PartyRef>& from,
                                                  std::string_view correlation_id);
  boost::asio::awaitable<bus::DeliveryResult> deliver(const bus::Delivery& d);
  boost::asio::awaitable<Result<model::AuthorizationInfo>> authorize_token(std::string party_id, std::string uid,
                                                                          std::string type);
  /// Keeps another protocol's object (delivered to an OCPI party) in the OCPI store.
  boost::asio::awaitable<bool> ingest(const bus::Delivery& d);
  void on_registry_change(const routing::RoutingTable& table);
  boost::asio::awaitable<void> alive_loop();
  boost::asio::awaitable<void> probe(model::Party party);

  // modules.cpp
  /// A request to a functional module: the checks of its routing headers, then the forward's
  /// awaitable for a GET addressed to one party, else dispatch's.
  boost::asio::awaitable<http::Response> functional(Ctx& ctx, std::string_view interface, std::string_view module,
                                                    std::vector<std::string> rest);
  boost::asio::awaitable<http::Response> dispatch(Ctx& ctx, std::string_view interface, std::string_view module,
                                                  std::vector<std::string> rest, model::PartyRef from);
  /// `r` with the routing fields of an answer to `to` from the hub, unless it has its own (as a
  /// receiver's answer passed back may) or `to` is not given.
  http::Response routed_back(http::Response r, const std::optional<model::PartyRef>& to) const;
  /// The same in place.
  void route_back(http::Response& r, const std::optional<model::PartyRef>& to) const;
  boost::asio::awaitable<http::Response> callback(Ctx& ctx, std::string handle);
  /// Forwards the request synchronously to one receiver; passes its answer back. Not a
  /// coroutine: it reads `ctx` and `target` before it returns, so callers may hand back this
  /// awaitable without awaiting it themselves; given `answer_to`, the answer gets its routing
  /// fields (see routed_back). The endpoint's URL, `module` and `interface` are held as views:
  /// `ctx`'s routing table snapshot and the caller's strings must outlive the awaiting.
  boost::asio::awaitable<http::Response> forward(Ctx& ctx, Target target, std::string_view module,
                                                 std::string_view interface, std::string suffix, std::string body,
                                                 std::chrono::milliseconds timeout,
                                                 std::optional<model::PartyRef> answer_to = {});
  /// forward's coroutine: awaits the call and passes its answer back (a frame that holds only
  /// what the answer needs); a failure from `late` on is answered 4002.
  boost::asio::awaitable<http::Response> forwarded(boost::asio::awaitable<http::ClientResult> pending,
                                                   std::string_view base, std::string_view module,
                                                   std::string_view interface,
                                                   std::chrono::steady_clock::time_point late,
                                                   std::optional<model::PartyRef> answer_to);
  /// The receiver's answer as the requester gets it: status, body, content type, pagination and
  /// OCPI fields (its Link pointed at the hub), or 4002/4003 when there was none (4002 from
  /// `late` on: the call took nearly all its time). Takes the body out of `res`; copies the fields it passes on.
  http::Response passed_back(http::ClientResult& res, std::string_view base, std::string_view module,
                             std::string_view interface, std::chrono::steady_clock::time_point late,
                             const std::optional<model::PartyRef>& answer_to) const;
  /// Stores a push and queues it for its receivers; the answer to the sender. A push merged
  /// into the stored object (PATCH, an EVSE or connector of a Location) is read, merged and
  /// written on the condition that the object is unchanged; when a concurrent push changed it
  /// in between, the push is merged again into the newer object (up to kMergeAttempts times).
  boost::asio::awaitable<http::Response> locations_push(Ctx& ctx, const model::PartyRef& from,
                                                        const std::vector<std::string>& rest);
  boost::asio::awaitable<http::Response> object_push(Ctx& ctx, const model::PartyRef& from, std::string_view module,
                                                     const std::vector<std::string>& rest);
  /// One attempt of the above; nullopt when the object changed between reading and writing.
  boost::asio::awaitable<std::optional<http::Response>> locations_push_once(Ctx& ctx, const model::PartyRef& from,
                                                                            std::vector<std::string> rest);
  boost::asio::awaitable<std::optional<http::Response>> object_push_once(Ctx& ctx, const model::PartyRef& from,
                                                                         std::string_view module,
                                                                         std::vector<std::string> rest);
  static constexpr int kMergeAttempts = 16;
  boost::asio::awaitable<http::Response> cdr_post(Ctx& ctx, const model::PartyRef& from);
  boost::asio::awaitable<http::Response> receiver_get(Ctx& ctx, std::string_view module, std::vector<std::string> rest);
  /// GET on a Sender interface: forwarded when addressed to one party (the forward's awaitable
  /// itself, no frame of its own), else answered from the store (sender_get_stored).
  boost::asio::awaitable<http::Response> sender_get(Ctx& ctx, std::string_view module, std::vector<std::string> rest,
                                                    std::optional<model::PartyRef> answer_to = {});
  boost::asio::awaitable<http::Response> sender_get_stored(Ctx& ctx, std::string_view module,
                                                           std::vector<std::string> rest);
  /// An awaitable of an answer already known.
  static boost::asio::awaitable<http::Response> ready(http::Response r);
  boost::asio::awaitable<http::Response> authorize(Ctx& ctx, std::string uid);
  boost::asio::awaitable<http::Response> command(Ctx& ctx, std::string type);
  boost::asio::awaitable<http::Response> charging_profile(Ctx& ctx, std::string_view interface, std::string session_id);
  /// One event per target: the canonical object with its route (from the hub for a broadcast).
  std::vector<bus::Event> events_for(const Ctx& ctx, const std::vector<Target>& targets, bus::Kind kind,
                                     const std::string& key, const std::string& canonical, bool broadcast,
                                     const model::PartyRef& from) const;
  boost::asio::awaitable<http::Response> publish(Ctx& ctx, const std::vector<Target>& targets, bus::Kind kind,
                                                 std::string key, const std::string& canonical, bool broadcast,
                                                 const model::PartyRef& from, http::Response ok);
  /// Stores a pushed object (`write`, from ObjectStore::put_write) and queues its events to
  /// `targets` in one Redis script call. Returns whether the object existed, ObjectStore::kRefused
  /// when the write's IfUnchanged condition failed (nothing stored or queued); an error when the
  /// push was not accepted (the sender gets 3000 and sends it again).
  boost::asio::awaitable<Result<int>> store_and_publish(Ctx& ctx, const std::vector<Target>& targets, bus::Kind kind,
                                                        const std::string& key, const std::string& canonical,
                                                        bool broadcast, const model::PartyRef& from, bus::Write write);

  /// The party (and role ref) holding a role with this reference.
  Target find_target(const routing::RoutingTable& table, const model::PartyRef& ref) const;
  /// Every party (other than `except`, not suspended) with one of `roles`: OCPI parties only when
  /// registered and offering `module` RECEIVER; OCHP parties always (they pull).
  std::vector<Target> broadcast_targets(const routing::RoutingTable& table, std::string_view module,
                                        const std::vector<model::Role>& roles, const std::string& except) const;
};

/// The endpoint URL a party offers for a module and interface ("" when none).
std::string endpoint_of(const model::Party& p, std::string_view module, std::string_view interface);
/// The same as a view of the party's endpoint (valid while the party is).
std::string_view endpoint_url(const model::Party& p, std::string_view module, std::string_view interface);
/// Whether the party holds a role with this reference.
bool holds(const model::Party& p, const model::PartyRef& ref);
/// Percent-escapes the characters that separate parts of a bus key ('/', '|', '?', '%').
std::string key_escape(std::string_view s);
std::string upper(std::string_view s);
/// Whether two references are the same party (country_code and party_id, case-insensitive).
inline bool same_ref(const model::PartyRef& a, const model::PartyRef& b) noexcept {
  return http::iequals(a.country_code, b.country_code) && http::iequals(a.party_id, b.party_id);
}

}  // namespace hub::ocpi
