// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <hub/model/token.hpp>

#include <optional>
#include <string>
#include <variant>

/// Remote commands and their asynchronous results (OCPI 2.2.1 Commands module; OCHPdirect
/// remote start/stop map onto these). Thread safety: value types.
namespace hub::model {

enum class CommandType { cancel_reservation, reserve_now, start_session, stop_session, unlock_connector };
HUB_MODEL_ENUM_NAMES(CommandType, {CommandType::cancel_reservation, "CANCEL_RESERVATION"},
                     {CommandType::reserve_now, "RESERVE_NOW"}, {CommandType::start_session, "START_SESSION"},
                     {CommandType::stop_session, "STOP_SESSION"}, {CommandType::unlock_connector, "UNLOCK_CONNECTOR"});

enum class CommandResponseType { not_supported, rejected, accepted, unknown_session };
HUB_MODEL_ENUM_NAMES(CommandResponseType, {CommandResponseType::not_supported, "NOT_SUPPORTED"},
                     {CommandResponseType::rejected, "REJECTED"}, {CommandResponseType::accepted, "ACCEPTED"},
                     {CommandResponseType::unknown_session, "UNKNOWN_SESSION"});

enum class CommandResultType {
  accepted, canceled_reservation, evse_occupied, evse_inoperative, failed, not_supported, rejected, timeout,
  unknown_reservation,
};
HUB_MODEL_ENUM_NAMES(CommandResultType, {CommandResultType::accepted, "ACCEPTED"},
                     {CommandResultType::canceled_reservation, "CANCELED_RESERVATION"},
                     {CommandResultType::evse_occupied, "EVSE_OCCUPIED"},
                     {CommandResultType::evse_inoperative, "EVSE_INOPERATIVE"}, {CommandResultType::failed, "FAILED"},
                     {CommandResultType::not_supported, "NOT_SUPPORTED"}, {CommandResultType::rejected, "REJECTED"},
                     {CommandResultType::timeout, "TIMEOUT"},
                     {CommandResultType::unknown_reservation, "UNKNOWN_RESERVATION"});

struct StartSession {
  std::string response_url;
  Token token;
  std::string location_id;
  std::optional<std::string> evse_uid;
  std::optional<std::string> connector_id;
  std::optional<std::string> authorization_reference;
  bool operator==(const StartSession&) const = default;
};

struct StopSession {
  std::string response_url;
  std::string session_id;
  bool operator==(const StopSession&) const = default;
};

struct ReserveNow {
  std::string response_url;
  Token token;
  Timestamp expiry_date;
  std::string reservation_id;
  std::string location_id;
  std::optional<std::string> evse_uid;
  std::optional<std::string> authorization_reference;
  bool operator==(const ReserveNow&) const = default;
};

struct CancelReservation {
  std::string response_url;
  std::string reservation_id;
  bool operator==(const CancelReservation&) const = default;
};

struct UnlockConnector {
  std::string response_url;
  std::string location_id;
  std::string evse_uid;
  std::string connector_id;
  bool operator==(const UnlockConnector&) const = default;
};

using CommandRequest = std::variant<StartSession, StopSession, ReserveNow, CancelReservation, UnlockConnector>;
CommandType command_type(const CommandRequest& r) noexcept;

/// The receiver's synchronous answer to a command.
struct CommandResponse {
  CommandResponseType result = CommandResponseType::accepted;
  int timeout = 30;  ///< seconds the sender waits for the CommandResult
  std::vector<DisplayText> message;
  bool operator==(const CommandResponse&) const = default;
};

/// The asynchronous outcome, posted to the response_url.
struct CommandResult {
  CommandResultType result = CommandResultType::accepted;
  std::vector<DisplayText> message;
  bool operator==(const CommandResult&) const = default;
};

}  // namespace hub::model
