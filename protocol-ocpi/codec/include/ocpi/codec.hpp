// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <hub/core/error.hpp>
#include <hub/model/cdr.hpp>
#include <hub/model/charging_profile.hpp>
#include <hub/model/command.hpp>
#include <hub/model/location.hpp>
#include <hub/model/session.hpp>
#include <hub/model/tariff.hpp>
#include <hub/model/token.hpp>
#include <hub/model/validate.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

/// OCPI 2.2.1 JSON <-> hub::model. Pure: no I/O, no clock, never throws on untrusted bytes.
///
/// The same codec writes the canonical serialisation carried by the bus (Flavor::canonical):
/// the model follows OCPI 2.2.1's object shapes, so the canonical form is the OCPI 2.2.1 form
/// plus the hub's extension fields (names starting with "x_hub_", e.g. an OCHP status
/// time-to-live or a token's expiry), which Flavor::ocpi221 leaves out. Decoding accepts both.
/// Thread safety: free functions, no shared state.
namespace hub::ocpi {

enum class Flavor {
  ocpi221,    ///< exactly the OCPI 2.2.1 object, for the wire
  canonical,  ///< OCPI 2.2.1 object + x_hub_* extension fields, for the bus and the store
};

/// A decode result: the value, or the violations (JSON path such as "evses[0].uid" + reason).
/// Syntax errors, wrong JSON types, unknown enum values, missing required fields and the
/// model's own validation rules (hub::model::validate) are all reported as violations.
/// A syntax error carries the path of the member where reading stopped ("" at the root);
/// nesting deeper than 64 levels is a syntax error. Unknown members are ignored; null counts as
/// absent for optional members and as missing for required ones.
template <class T>
struct Decoded {
  std::optional<T> value;
  std::vector<model::Violation> errors;
  explicit operator bool() const noexcept { return value.has_value(); }
  /// "path: reason; path: reason" (at most the first 5), for OCPI status messages.
  std::string message() const;
};

/// Options for decoding.
struct DecodeOptions {
  bool validate = true;  ///< also run hub::model::validate on the decoded object
};

// Encoders: compact JSON, fields in the OCPI 2.2.1 order, absent optionals and empty optional
// arrays left out, Decimals written exactly as numbers (0.1 -> 0.1), timestamps as
// "YYYY-MM-DDTHH:MM:SS[.mmm]Z".
std::string encode(const model::Location& v, Flavor f = Flavor::ocpi221);
std::string encode(const model::Evse& v, Flavor f = Flavor::ocpi221);
std::string encode(const model::Connector& v, Flavor f = Flavor::ocpi221);
std::string encode(const model::EvseStatusUpdate& v, Flavor f = Flavor::canonical);
std::string encode(const model::Tariff& v, Flavor f = Flavor::ocpi221);
std::string encode(const model::Token& v, Flavor f = Flavor::ocpi221);
std::string encode(const model::AuthorizationInfo& v, Flavor f = Flavor::ocpi221);
std::string encode(const model::Session& v, Flavor f = Flavor::ocpi221);
std::string encode(const model::Cdr& v, Flavor f = Flavor::ocpi221);
std::string encode(const model::CommandRequest& v, Flavor f = Flavor::ocpi221);
std::string encode(const model::CommandResponse& v, Flavor f = Flavor::ocpi221);
std::string encode(const model::CommandResult& v, Flavor f = Flavor::ocpi221);
std::string encode(const model::ChargingProfile& v, Flavor f = Flavor::ocpi221);
std::string encode(const model::SetChargingProfile& v, Flavor f = Flavor::ocpi221);
std::string encode(const model::ChargingProfileResponse& v, Flavor f = Flavor::ocpi221);
std::string encode(const model::ActiveChargingProfileResult& v, Flavor f = Flavor::ocpi221);
std::string encode(const model::ChargingProfileResult& v, Flavor f = Flavor::ocpi221);
std::string encode(const model::ActiveChargingProfile& v, Flavor f = Flavor::ocpi221);

/// Decoders. `T` is one of the types above (explicitly instantiated in the codec).
template <class T>
Decoded<T> decode(std::string_view json, DecodeOptions options = {});

/// CommandRequest needs the command type from the URL (commands/{command}). The generic
/// decode<model::CommandRequest> takes it from the canonical "x_hub_command" member, or else
/// recognises the body by the members only one command has.
Decoded<model::CommandRequest> decode_command(model::CommandType type, std::string_view json,
                                              DecodeOptions options = {});

/// OCPI PATCH: merges the fields of `patch` (a JSON object) into `stored` (a JSON object of the
/// same kind): each top-level member of the patch replaces the stored member (arrays and objects
/// replaced as a whole, as OCPI 2.2.1 specifies). `last_updated` is required in the patch.
/// Errors: invalid_request with a message when either is not a JSON object or last_updated is
/// missing. The caller decodes the merged document to validate the result. A member set to null
/// in the patch is removed. Numbers are carried with their exact source text.
Result<std::string> merge_patch(std::string_view stored, std::string_view patch);

}  // namespace hub::ocpi
