// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <adapters/http.hpp>
#include <hub/core/error.hpp>
#include <hub/model/ids.hpp>
#include <hub/model/party.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

/// OCPI transport details of the hub role: Authorization tokens, envelopes, routing headers,
/// paths and pagination. Pure helpers. Thread safety: free functions.
namespace hub::ocpi::wire {

/// The credentials token of an "Authorization: Token <value>" header: the value as sent,
/// trimmed (2.2.1 peers Base64-encode the token, older ones send it raw). Empty when the header
/// is missing or not of the Token scheme.
std::string_view token_value(std::string_view authorization);
/// `value` Base64-decoded with a trailing CR/LF trimmed, when that gives printable ASCII.
std::optional<std::string> decoded_token(std::string_view value);
/// "Token <base64(token)>" or "Token <token>".
std::string authorization(std::string_view token, bool plain);
/// The same, from a small per-thread cache (valid until the thread's next call).
const std::string& cached_authorization(std::string_view token, bool plain);

/// An OCPI response envelope: `data_json` is inserted verbatim (absent when empty).
std::string envelope(int status_code, std::string_view message, std::string_view data_json = {});
/// HTTP status + envelope.
http::Response reply(int http_status, int status_code, std::string_view message, std::string_view data_json = {});
/// The envelope for an error of the catalogue (HTTP status from the OCPI rules: 200 for OCPI
/// errors of an authenticated request unless `http_status` is given).
http::Response error_reply(Errc e, std::string_view message, int http_status = 200);

/// The four routing headers as a pair of optional party references.
struct Routing {
  std::optional<model::PartyRef> to;
  std::optional<model::PartyRef> from;
};
/// Reads OCPI-to-* / OCPI-from-*. `error` is set when a pair is incomplete or malformed.
Routing routing_headers(const http::FieldList& headers, std::string& error);
/// Writes the routing fields of `to` and `from` (each when given) into a message's field block.
void set_routing_fields(http::FieldBlock& fields, const std::optional<model::PartyRef>& to,
                        const std::optional<model::PartyRef>& from);

/// Path segments after a prefix, URL-decoded; a trailing slash is ignored.
std::vector<std::string> segments(std::string_view path);

/// Pagination parameters of a GET list request.
struct Page {
  std::optional<std::int64_t> date_from_ms;
  std::optional<std::int64_t> date_to_ms;
  std::size_t offset = 0;
  std::size_t limit = 0;
};
/// Reads date_from/date_to/offset/limit; `limit` capped at `max_limit` (0 or absent: max_limit).
/// Errors: invalid_request naming the parameter.
Result<Page> page_params(const http::Request& req, std::size_t max_limit);
/// Adds Link (when more follow), X-Total-Count and X-Limit. `base_url` has no query.
void pagination_headers(http::FieldList& headers, const std::string& base_url, const Page& page,
                        std::size_t returned, std::size_t total, std::size_t max_limit);

/// A random (version 4) UUID, the form OCPI 2.2.1 gives X-Request-ID and X-Correlation-ID.
std::string uuid();
/// The same into 36 characters at `out`.
void format_uuid(char* out);

/// "2024-05-01T10:00:00Z" of now.
std::string now_timestamp();

/// The JSON array "[a,b,c]" of already encoded elements.
std::string json_array(const std::vector<std::string>& elements);
std::string json_string(std::string_view s);

/// Reads `status_code` of an OCPI envelope; nullopt when the body is not one.
std::optional<int> envelope_status(std::string_view body);
/// The `data` member of an envelope, re-serialised; nullopt when absent or not an envelope.
std::optional<std::string> envelope_data(std::string_view body);

/// A JSON object's string member (top level); nullopt when absent or not a string.
std::optional<std::string> string_member(std::string_view json, std::string_view name);
/// Whether a top-level member exists.
bool has_member(std::string_view json, std::string_view name);
/// Whether the text is a JSON object.
bool is_object(std::string_view json);

}  // namespace hub::ocpi::wire
