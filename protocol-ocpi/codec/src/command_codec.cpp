// SPDX-License-Identifier: GPL-2.0-or-later
#include "decode_impl.hpp"
#include "describe_command.hpp"

#include <variant>

namespace hub::ocpi {
namespace detail {
namespace {

constexpr std::string_view kCommandKey = "x_hub_command";

/// Reads the command body of `type` from an already parsed root object.
std::optional<model::CommandRequest> read_command(model::CommandType type, const Json& root, Violations& errors) {
  auto read_as = [&](auto value) -> std::optional<model::CommandRequest> {
    if (!read_value(root, std::string(), errors, value)) {
      return std::nullopt;
    }
    return model::CommandRequest(std::move(value));
  };
  switch (type) {
    case model::CommandType::start_session:
      return read_as(model::StartSession{});
    case model::CommandType::stop_session:
      return read_as(model::StopSession{});
    case model::CommandType::reserve_now:
      return read_as(model::ReserveNow{});
    case model::CommandType::cancel_reservation:
      return read_as(model::CancelReservation{});
    case model::CommandType::unlock_connector:
      return read_as(model::UnlockConnector{});
  }
  add_violation(errors, std::string(kCommandKey), "unknown command type");
  return std::nullopt;
}

/// Guesses the command from the members only one command body has.
std::optional<model::CommandType> infer_command(const Json& root) {
  bool token = root.find("token") != nullptr;
  if (token && root.find("expiry_date") != nullptr) {
    return model::CommandType::reserve_now;
  }
  if (token) {
    return model::CommandType::start_session;
  }
  if (root.find("session_id") != nullptr) {
    return model::CommandType::stop_session;
  }
  if (root.find("reservation_id") != nullptr) {
    return model::CommandType::cancel_reservation;
  }
  if (root.find("connector_id") != nullptr && root.find("evse_uid") != nullptr) {
    return model::CommandType::unlock_connector;
  }
  return std::nullopt;
}

}  // namespace

Decoded<model::CommandRequest> decode_command_request(std::string_view json, DecodeOptions options) {
  Violations errors;
  std::optional<Json> storage;
  const Json* root = parse_root(json, storage, errors);
  std::optional<model::CommandRequest> value;
  if (root != nullptr) {
    std::optional<model::CommandType> type;
    if (const Json* t = root->find(kCommandKey); t != nullptr && !t->is_null()) {
      model::CommandType parsed{};
      if (read_value(*t, std::string(kCommandKey), errors, parsed)) {
        type = parsed;
      }
    } else {
      type = infer_command(*root);
      if (!type) {
        add_violation(errors, std::string(kCommandKey),
                      "required: the command type is neither given nor recognisable from the members");
      }
    }
    if (type) {
      value = read_command(*type, *root, errors);
    }
  }
  return finish(std::move(value), std::move(errors), options);
}

}  // namespace detail

std::string encode(const model::CommandRequest& v, Flavor f) {
  rapidjson::StringBuffer buffer;
  detail::JsonWriter w(buffer);
  w.StartObject();
  detail::Writer writer(w, f);
  std::visit([&](const auto& body) { describe(writer, body); }, v);
  if (f == Flavor::canonical) {
    writer.req(detail::kCommandKey, model::command_type(v));
  }
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::string encode(const model::CommandResponse& v, Flavor f) { return detail::encode_object(v, f); }
std::string encode(const model::CommandResult& v, Flavor f) { return detail::encode_object(v, f); }

Decoded<model::CommandRequest> decode_command(model::CommandType type, std::string_view json,
                                              DecodeOptions options) {
  detail::Violations errors;
  std::optional<detail::Json> storage;
  const detail::Json* root = detail::parse_root(json, storage, errors);
  std::optional<model::CommandRequest> value;
  if (root != nullptr) {
    value = detail::read_command(type, *root, errors);
  }
  return detail::finish(std::move(value), std::move(errors), options);
}

template Decoded<model::CommandRequest> decode<model::CommandRequest>(std::string_view, DecodeOptions);
template Decoded<model::CommandResponse> decode<model::CommandResponse>(std::string_view, DecodeOptions);
template Decoded<model::CommandResult> decode<model::CommandResult>(std::string_view, DecodeOptions);

}  // namespace hub::ocpi
