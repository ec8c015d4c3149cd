// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <hub/model/cdr.hpp>
#include <hub/model/charging_profile.hpp>
#include <hub/model/command.hpp>
#include <hub/model/location.hpp>
#include <hub/model/session.hpp>
#include <hub/model/tariff.hpp>
#include <hub/model/token.hpp>

#include <string>
#include <vector>

/// Validation of canonical objects against the OCPI 2.2.1 rules (required fields, string
/// lengths, value ranges, id patterns). Codecs decode first, then validate; every protocol gets
/// the same answer for the same object. Thread safety: pure functions.
namespace hub::model {

/// One broken rule: `path` names the field ("evses[0].connectors[1].max_voltage").
struct Violation {
  std::string path;
  std::string reason;
  bool operator==(const Violation&) const = default;
};

std::vector<Violation> validate(const Connector& c);
std::vector<Violation> validate(const Evse& e);
std::vector<Violation> validate(const Location& l);
std::vector<Violation> validate(const EvseStatusUpdate& s);
std::vector<Violation> validate(const Tariff& t);
std::vector<Violation> validate(const Token& t);
std::vector<Violation> validate(const Session& s);
std::vector<Violation> validate(const Cdr& c);
std::vector<Violation> validate(const CommandRequest& r);
std::vector<Violation> validate(const ChargingProfile& p);

}  // namespace hub::model
