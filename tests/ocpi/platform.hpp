// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

// An independent OCPI 2.2.1 platform for the hub's integration tests: a real HTTP server on a free
// loopback port with versions, details, credentials, every module's Receiver interface (records
// what it receives) and the Sender interfaces the tests need (paginated locations, real-time
// authorize, commands answered ACCEPTED), plus a client that calls the hub with its token.

#include <hub/core/io_context.hpp>
#include <adapters/http.hpp>
#include <adapters/http_client.hpp>
#include <adapters/http_server.hpp>
#include <hub/config/config.hpp>
#include <hub/model/party.hpp>

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace hub::test {

struct Received {
  std::string method;
  std::string path;   ///< path below the platform's base ("/2.2.1/locations/NL/CP1/LOC1")
  std::string query;
  std::string body;
  http::Headers headers;
  std::string header(std::string_view name) const { return std::string(http::find_header(headers, name)); }
};

/// One HTTP exchange as this platform saw it, with the OpenAPI interface file it belongs to.
struct Exchange {
  std::string interface;  ///< e.g. "modules/locations/receiver-interface.yaml"
  std::string direction;  ///< "to_hub" (we called the hub) or "from_hub" (the hub called us)
  std::string method;
  std::string path;       ///< path as the OpenAPI description writes it ("/locations/NL/CP1/LOC1")
  std::string query;
  http::Headers request_headers;
  std::string request_body;
  int status = 0;
  http::Headers response_headers;
  std::string response_body;
  bool invalid_request = false;  ///< sent invalid on purpose by a test: only the answer is checked
};

/// The configuration the hub's end-to-end tests boot the App with: both listeners on loopback
/// port 0, the fixture's redis-server and data folder, quick bus retries, short OCPI deadlines.
config::Config test_hub_config(const std::string& redis_url, const std::filesystem::path& data_dir,
                               const std::string& admin_token);

/// Writes exchanges as JSON lines for tests/ocpi/openapi/check.mjs.
void write_exchanges(const std::vector<Exchange>& exchanges, const std::string& file);

struct ConformanceRun {
  bool skipped = false;  ///< ../shared/spec absent: nothing was checked (`output` says why)
  int exit_code = 0;     ///< 0: every exchange validates
  std::string output;    ///< the checker's report
  std::size_t checked = 0;  ///< exchanges validated
};
/// Validates every exchange against the official OCPI 2.2.1 OpenAPI description (Stoplight
/// Prism's validator, tests/ocpi/openapi/check.mjs) with node, writing its files in `work_dir`.
/// `spec_dir` is HUB_SHARED_SPEC_DIR, `source_dir` HUB_SOURCE_DIR.
ConformanceRun check_openapi(const std::vector<Exchange>& exchanges, const std::string& work_dir,
                             const std::string& spec_dir, const std::string& source_dir);
class OcpiPlatform;
/// The same for every exchange the platforms had with the hub (both directions).
ConformanceRun check_openapi(const std::vector<std::unique_ptr<OcpiPlatform>>& platforms, const std::string& work_dir,
                             const std::string& spec_dir, const std::string& source_dir);

class OcpiPlatform {
 public:
  OcpiPlatform(std::string name, std::vector<model::PartyRole> roles);
  ~OcpiPlatform();

  std::string base_url() const;
  std::string versions_url() const { return base_url() + "/versions"; }
  const std::vector<model::PartyRole>& roles() const { return roles_; }

  /// Platform-initiated registration with the hub (token A from the hub's admin API).
  bool register_with(const std::string& hub_versions_url, const std::string& token_a, std::string* failure = nullptr);
  /// For hub-initiated registration: the token A this platform hands to the hub out of band.
  std::string issue_token_a();

  /// Calls the hub with the token it gave this platform (Base64 in the header, as 2.2.1 wants).
  http::ClientResult call(const std::string& method, const std::string& url, const std::string& body = {},
                          http::Headers headers = {}, bool invalid_request = false);
  /// A functional-module call with OCPI-from set to this platform's first role and OCPI-to when given.
  http::ClientResult call_routed(const std::string& method, const std::string& url, const std::string& body,
                                 std::optional<model::PartyRef> to, std::optional<model::PartyRef> from = {});
  /// The same for a request a test sends invalid on purpose (its answer is still checked).
  http::ClientResult call_invalid(const std::string& method, const std::string& url, const std::string& body,
                                  std::optional<model::PartyRef> to, std::optional<model::PartyRef> from = {});
  std::string hub_endpoint(std::string_view module, std::string_view interface) const;

  /// Waits (bounded) until `pred` holds over the received requests; returns whether it did.
  bool wait_for(const std::function<bool(const std::vector<Received>&)>& pred,
                std::chrono::milliseconds timeout = std::chrono::seconds(30));
  /// Waits (bounded) until `count` distinct object ids have arrived in bodies of `method` `path`
  /// requests (e.g. POSTed CDRs); each request is looked at once, however many arrive.
  bool wait_for_distinct_ids(std::string_view method, std::string_view path, std::size_t count,
                             std::chrono::milliseconds timeout);
  std::vector<Received> received() const;
  std::vector<Exchange> exchanges() const;
  std::size_t count(std::string_view method, std::string_view path_prefix) const;

  /// While down, every request gets HTTP 503 (maintenance), so the hub must keep what it queued.
  void set_down(bool down);

  std::string token_for_hub() const;   ///< the token the hub sends us (B)
  std::string token_to_hub() const;    ///< the token we send the hub (C)
  void set_token_to_hub(std::string t);

  /// Objects this platform serves on its Sender interfaces (JSON, by module).
  void add_sender_object(const std::string& module, std::string json);
  /// The AuthorizationInfo JSON answered to authorize, by token uid.
  void set_authorization(const std::string& uid, std::string json);

 private:
  boost::asio::awaitable<http::Response> handle(http::Request& req);
  boost::asio::awaitable<http::Response> handle_inner(http::Request& req);

  std::string name_;
  std::vector<model::PartyRole> roles_;
  hub::IoContext ioc_;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
  std::unique_ptr<http::HttpServer> server_;
  std::unique_ptr<http::HttpClient> client_;
  std::thread thread_;

  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<Received> received_;
  std::vector<Exchange> exchanges_;
  void record(Exchange e);
  bool down_ = false;
  std::string token_b_;  ///< we accept it from the hub
  std::string token_c_;  ///< we use it to call the hub
  std::string token_a_;  ///< out-of-band token for hub-initiated registration
  std::string hub_details_url_;
  std::vector<model::Endpoint> hub_endpoints_;
  std::map<std::string, std::vector<std::string>> sender_objects_;
  std::map<std::string, std::string> authorizations_;
};

/// The JSON payload of an OCPI envelope's data member, or "" when absent.
std::string envelope_data(const std::string& body);
int envelope_status(const std::string& body);

}  // namespace hub::test
