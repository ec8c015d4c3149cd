// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include "visitor.hpp"

#include <hub/model/validate.hpp>

/// The generic decode<T>: parse, read through the describe function, validate. Each object codec
/// source includes this and explicitly instantiates decode<T> for its types.
namespace hub::ocpi {
namespace detail {

/// Appends `more` to `errors`, each path prefixed with `prefix`.
inline void append_prefixed(Violations& errors, const std::vector<model::Violation>& more,
                            const std::string& prefix) {
  for (const auto& v : more) {
    add_violation(errors, prefix.empty() ? v.path : (v.path.empty() ? prefix : prefix + "." + v.path), v.reason);
  }
}

/// Model validation of a decoded object; objects without their own rules validate their parts.
template <class T>
void validate_into(const T& value, Violations& errors) {
  if constexpr (requires { model::validate(value); }) {
    append_prefixed(errors, model::validate(value), "");
  } else if constexpr (std::is_same_v<T, model::AuthorizationInfo>) {
    append_prefixed(errors, model::validate(value.token), "token");
  } else if constexpr (std::is_same_v<T, model::SetChargingProfile> ||
                       std::is_same_v<T, model::ActiveChargingProfile>) {
    append_prefixed(errors, model::validate(value.charging_profile), "charging_profile");
  } else if constexpr (std::is_same_v<T, model::ActiveChargingProfileResult>) {
    if (value.profile) {
      append_prefixed(errors, model::validate(value.profile->charging_profile), "profile.charging_profile");
    }
  }
}

/// Reads a described object from `json` (no validation).
template <class T>
std::optional<T> read_document(std::string_view json, Violations& errors) {
  std::optional<Json> storage;
  const Json* root = parse_root(json, storage, errors);
  if (root == nullptr) {
    return std::nullopt;
  }
  T value{};
  if (!read_value(*root, std::string(), errors, value)) {
    return std::nullopt;
  }
  return value;
}

/// Completes a decode: validation when asked, value only when there is no violation.
template <class T>
Decoded<T> finish(std::optional<T> value, Violations errors, DecodeOptions options) {
  Decoded<T> out;
  if (value && errors.empty() && options.validate) {
    validate_into(*value, errors);
  }
  if (value && errors.empty()) {
    out.value = std::move(value);
  }
  out.errors = std::move(errors);
  return out;
}

/// The untyped CommandRequest decoder (type from x_hub_command or from the members present).
Decoded<model::CommandRequest> decode_command_request(std::string_view json, DecodeOptions options);

}  // namespace detail

template <class T>
Decoded<T> decode(std::string_view json, DecodeOptions options) {
  if constexpr (std::is_same_v<T, model::CommandRequest>) {
    return detail::decode_command_request(json, options);
  } else {
    detail::Violations errors;
    auto value = detail::read_document<T>(json, errors);
    return detail::finish(std::move(value), std::move(errors), options);
  }
}

}  // namespace hub::ocpi
