// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <hub/model/session.hpp>
#include <hub/model/tariff.hpp>

#include <optional>
#include <string>
#include <vector>

/// Charge detail records, the billing records (OCPI 2.2.1 CDRs module; OCHP CDRInfo maps onto
/// these). Signed meter data is kept verbatim. Thread safety: value types.
namespace hub::model {

/// The clearing-house life cycle of a CDR (OCHP CdrStatusType); OCPI CDRs have none.
enum class CdrStatus { new_, accepted, rejected, declined, approved };
HUB_MODEL_ENUM_NAMES(CdrStatus, {CdrStatus::new_, "new"}, {CdrStatus::accepted, "accepted"},
                     {CdrStatus::rejected, "rejected"}, {CdrStatus::declined, "owner declined"},
                     {CdrStatus::approved, "approved"});

struct CdrLocation {
  std::string id;
  std::optional<std::string> name;
  std::string address;
  std::string city;
  std::optional<std::string> postal_code;
  std::optional<std::string> state;
  std::string country;  ///< ISO 3166-1 alpha-3
  GeoLocation coordinates;
  std::string evse_uid;
  std::string evse_id;
  std::string connector_id;
  ConnectorType connector_standard = ConnectorType::iec_62196_t2;
  ConnectorFormat connector_format = ConnectorFormat::socket;
  PowerType connector_power_type = PowerType::ac_3_phase;
  bool operator==(const CdrLocation&) const = default;
};

/// One signed meter value, carried byte for byte.
struct SignedValue {
  std::string nature;       ///< at most 32, e.g. "Start", "End"
  std::string plain_data;   ///< at most 5000 (2.2.1 errata)
  std::string signed_data;  ///< at most 5000
  bool operator==(const SignedValue&) const = default;
};

struct SignedData {
  std::string encoding_method;  ///< at most 36, e.g. "OCMF"
  std::optional<int> encoding_method_version;
  std::optional<std::string> public_key;  ///< at most 512
  std::vector<SignedValue> signed_values;
  std::optional<std::string> url;  ///< at most 512
  bool operator==(const SignedData&) const = default;
};

struct Cdr {
  std::string country_code;
  std::string party_id;
  std::string id;  ///< CiString(39)
  Timestamp start_date_time;
  Timestamp end_date_time;
  std::optional<std::string> session_id;
  CdrToken cdr_token;
  AuthMethod auth_method = AuthMethod::whitelist;
  std::optional<std::string> authorization_reference;
  CdrLocation cdr_location;
  std::optional<std::string> meter_id;
  std::string currency;
  std::vector<Tariff> tariffs;
  std::vector<ChargingPeriod> charging_periods;
  std::optional<SignedData> signed_data;
  Price total_cost;
  std::optional<Price> total_fixed_cost;
  Decimal total_energy;  ///< kWh
  std::optional<Price> total_energy_cost;
  Decimal total_time;  ///< hours
  std::optional<Price> total_time_cost;
  std::optional<Decimal> total_parking_time;  ///< hours
  std::optional<Price> total_parking_cost;
  std::optional<Price> total_reservation_cost;
  std::optional<std::string> remark;                ///< at most 255
  std::optional<std::string> invoice_reference_id;  ///< CiString(39)
  std::optional<bool> credit;
  std::optional<std::string> credit_reference_id;  ///< CiString(39)
  std::optional<bool> home_charging_compensation;
  std::optional<CdrStatus> status;  ///< clearing-house status (OCHP); absent for OCPI-only flows
  Timestamp last_updated;
  bool operator==(const Cdr&) const = default;
};

}  // namespace hub::model
