// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <hub/model/types.hpp>

#include <optional>
#include <string>
#include <vector>

/// Locations, EVSEs, connectors and live EVSE status (OCPI 2.2.1 Locations module; OCHP
/// ChargePointInfo and EvseStatus map onto these). Thread safety: value types.
namespace hub::model {

enum class EvseStatus { available, blocked, charging, inoperative, outoforder, planned, removed, reserved, unknown };
HUB_MODEL_ENUM_NAMES(EvseStatus, {EvseStatus::available, "AVAILABLE"}, {EvseStatus::blocked, "BLOCKED"},
                     {EvseStatus::charging, "CHARGING"}, {EvseStatus::inoperative, "INOPERATIVE"},
                     {EvseStatus::outoforder, "OUTOFORDER"}, {EvseStatus::planned, "PLANNED"},
                     {EvseStatus::removed, "REMOVED"}, {EvseStatus::reserved, "RESERVED"},
                     {EvseStatus::unknown, "UNKNOWN"});

enum class Capability {
  charging_profile_capable,
  charging_preferences_capable,
  chip_card_support,
  contactless_card_support,
  credit_card_payable,
  debit_card_payable,
  ped_terminal,
  remote_start_stop_capable,
  reservable,
  rfid_reader,
  start_session_connector_required,
  token_group_capable,
  unlock_capable,
};
HUB_MODEL_ENUM_NAMES(Capability, {Capability::charging_profile_capable, "CHARGING_PROFILE_CAPABLE"},
                     {Capability::charging_preferences_capable, "CHARGING_PREFERENCES_CAPABLE"},
                     {Capability::chip_card_support, "CHIP_CARD_SUPPORT"},
                     {Capability::contactless_card_support, "CONTACTLESS_CARD_SUPPORT"},
                     {Capability::credit_card_payable, "CREDIT_CARD_PAYABLE"},
                     {Capability::debit_card_payable, "DEBIT_CARD_PAYABLE"},
                     {Capability::ped_terminal, "PED_TERMINAL"},
                     {Capability::remote_start_stop_capable, "REMOTE_START_STOP_CAPABLE"},
                     {Capability::reservable, "RESERVABLE"}, {Capability::rfid_reader, "RFID_READER"},
                     {Capability::start_session_connector_required, "START_SESSION_CONNECTOR_REQUIRED"},
                     {Capability::token_group_capable, "TOKEN_GROUP_CAPABLE"},
                     {Capability::unlock_capable, "UNLOCK_CAPABLE"});

enum class ConnectorType {
  chademo, chaoji, domestic_a, domestic_b, domestic_c, domestic_d, domestic_e, domestic_f, domestic_g,
  domestic_h, domestic_i, domestic_j, domestic_k, domestic_l, domestic_m, domestic_n, domestic_o, gbt_ac,
  gbt_dc, iec_60309_2_single_16, iec_60309_2_three_16, iec_60309_2_three_32, iec_60309_2_three_64,
  iec_62196_t1, iec_62196_t1_combo, iec_62196_t2, iec_62196_t2_combo, iec_62196_t3a, iec_62196_t3c,
  nema_5_20, nema_6_30, nema_6_50, nema_10_30, nema_10_50, nema_14_30, nema_14_50, pantograph_bottom_up,
  pantograph_top_down, tesla_r, tesla_s,
};
HUB_MODEL_ENUM_NAMES(ConnectorType, {ConnectorType::chademo, "CHADEMO"}, {ConnectorType::chaoji, "CHAOJI"},
                     {ConnectorType::domestic_a, "DOMESTIC_A"}, {ConnectorType::domestic_b, "DOMESTIC_B"},
                     {ConnectorType::domestic_c, "DOMESTIC_C"}, {ConnectorType::domestic_d, "DOMESTIC_D"},
                     {ConnectorType::domestic_e, "DOMESTIC_E"}, {ConnectorType::domestic_f, "DOMESTIC_F"},
                     {ConnectorType::domestic_g, "DOMESTIC_G"}, {ConnectorType::domestic_h, "DOMESTIC_H"},
                     {ConnectorType::domestic_i, "DOMESTIC_I"}, {ConnectorType::domestic_j, "DOMESTIC_J"},
                     {ConnectorType::domestic_k, "DOMESTIC_K"}, {ConnectorType::domestic_l, "DOMESTIC_L"},
                     {ConnectorType::domestic_m, "DOMESTIC_M"}, {ConnectorType::domestic_n, "DOMESTIC_N"},
                     {ConnectorType::domestic_o, "DOMESTIC_O"}, {ConnectorType::gbt_ac, "GBT_AC"},
                     {ConnectorType::gbt_dc, "GBT_DC"},
                     {ConnectorType::iec_60309_2_single_16, "IEC_60309_2_single_16"},
                     {ConnectorType::iec_60309_2_three_16, "IEC_60309_2_three_16"},
                     {ConnectorType::iec_60309_2_three_32, "IEC_60309_2_three_32"},
                     {ConnectorType::iec_60309_2_three_64, "IEC_60309_2_three_64"},
                     {ConnectorType::iec_62196_t1, "IEC_62196_T1"},
                     {ConnectorType::iec_62196_t1_combo, "IEC_62196_T1_COMBO"},
                     {ConnectorType::iec_62196_t2, "IEC_62196_T2"},
                     {ConnectorType::iec_62196_t2_combo, "IEC_62196_T2_COMBO"},
                     {ConnectorType::iec_62196_t3a, "IEC_62196_T3A"}, {ConnectorType::iec_62196_t3c, "IEC_62196_T3C"},
                     {ConnectorType::nema_5_20, "NEMA_5_20"}, {ConnectorType::nema_6_30, "NEMA_6_30"},
                     {ConnectorType::nema_6_50, "NEMA_6_50"}, {ConnectorType::nema_10_30, "NEMA_10_30"},
                     {ConnectorType::nema_10_50, "NEMA_10_50"}, {ConnectorType::nema_14_30, "NEMA_14_30"},
                     {ConnectorType::nema_14_50, "NEMA_14_50"},
                     {ConnectorType::pantograph_bottom_up, "PANTOGRAPH_BOTTOM_UP"},
                     {ConnectorType::pantograph_top_down, "PANTOGRAPH_TOP_DOWN"}, {ConnectorType::tesla_r, "TESLA_R"},
                     {ConnectorType::tesla_s, "TESLA_S"});

enum class ConnectorFormat { socket, cable };
HUB_MODEL_ENUM_NAMES(ConnectorFormat, {ConnectorFormat::socket, "SOCKET"}, {ConnectorFormat::cable, "CABLE"});

enum class PowerType { ac_1_phase, ac_2_phase, ac_2_phase_split, ac_3_phase, dc };
HUB_MODEL_ENUM_NAMES(PowerType, {PowerType::ac_1_phase, "AC_1_PHASE"}, {PowerType::ac_2_phase, "AC_2_PHASE"},
                     {PowerType::ac_2_phase_split, "AC_2_PHASE_SPLIT"}, {PowerType::ac_3_phase, "AC_3_PHASE"},
                     {PowerType::dc, "DC"});

enum class ParkingRestriction { ev_only, plugged, disabled, customers, motorcycles };
HUB_MODEL_ENUM_NAMES(ParkingRestriction, {ParkingRestriction::ev_only, "EV_ONLY"},
                     {ParkingRestriction::plugged, "PLUGGED"}, {ParkingRestriction::disabled, "DISABLED"},
                     {ParkingRestriction::customers, "CUSTOMERS"}, {ParkingRestriction::motorcycles, "MOTORCYCLES"});

enum class ParkingType { along_motorway, parking_garage, parking_lot, on_driveway, on_street, underground_garage };
HUB_MODEL_ENUM_NAMES(ParkingType, {ParkingType::along_motorway, "ALONG_MOTORWAY"},
                     {ParkingType::parking_garage, "PARKING_GARAGE"}, {ParkingType::parking_lot, "PARKING_LOT"},
                     {ParkingType::on_driveway, "ON_DRIVEWAY"}, {ParkingType::on_street, "ON_STREET"},
                     {ParkingType::underground_garage, "UNDERGROUND_GARAGE"});

enum class Facility {
  hotel, restaurant, cafe, mall, supermarket, sport, recreation_area, nature, museum, bike_sharing,
  bus_stop, taxi_stand, tram_stop, metro_station, train_station, airport, parking_lot, carpool_parking,
  fuel_station, wifi,
};
HUB_MODEL_ENUM_NAMES(Facility, {Facility::hotel, "HOTEL"}, {Facility::restaurant, "RESTAURANT"},
                     {Facility::cafe, "CAFE"}, {Facility::mall, "MALL"}, {Facility::supermarket, "SUPERMARKET"},
                     {Facility::sport, "SPORT"}, {Facility::recreation_area, "RECREATION_AREA"},
                     {Facility::nature, "NATURE"}, {Facility::museum, "MUSEUM"},
                     {Facility::bike_sharing, "BIKE_SHARING"}, {Facility::bus_stop, "BUS_STOP"},
                     {Facility::taxi_stand, "TAXI_STAND"}, {Facility::tram_stop, "TRAM_STOP"},
                     {Facility::metro_station, "METRO_STATION"}, {Facility::train_station, "TRAIN_STATION"},
                     {Facility::airport, "AIRPORT"}, {Facility::parking_lot, "PARKING_LOT"},
                     {Facility::carpool_parking, "CARPOOL_PARKING"}, {Facility::fuel_station, "FUEL_STATION"},
                     {Facility::wifi, "WIFI"});

enum class TokenType { ad_hoc_user, app_user, other, rfid };
HUB_MODEL_ENUM_NAMES(TokenType, {TokenType::ad_hoc_user, "AD_HOC_USER"}, {TokenType::app_user, "APP_USER"},
                     {TokenType::other, "OTHER"}, {TokenType::rfid, "RFID"});

struct PublishTokenType {
  std::optional<std::string> uid;
  std::optional<TokenType> type;
  std::optional<std::string> visual_number;
  std::optional<std::string> issuer;
  std::optional<std::string> group_id;
  bool operator==(const PublishTokenType&) const = default;
};

struct RegularHours {
  int weekday = 1;          ///< 1 = Monday .. 7 = Sunday
  std::string period_begin;  ///< "HH:MM"
  std::string period_end;    ///< "HH:MM"
  bool operator==(const RegularHours&) const = default;
};

struct ExceptionalPeriod {
  Timestamp period_begin;
  Timestamp period_end;
  bool operator==(const ExceptionalPeriod&) const = default;
};

struct Hours {
  bool twentyfourseven = false;
  std::vector<RegularHours> regular_hours;
  std::vector<ExceptionalPeriod> exceptional_openings;
  std::vector<ExceptionalPeriod> exceptional_closings;
  bool operator==(const Hours&) const = default;
};

struct StatusSchedule {
  Timestamp period_begin;
  std::optional<Timestamp> period_end;
  EvseStatus status = EvseStatus::unknown;
  bool operator==(const StatusSchedule&) const = default;
};

struct Connector {
  std::string id;  ///< CiString(36), unique within the EVSE
  ConnectorType standard = ConnectorType::iec_62196_t2;
  ConnectorFormat format = ConnectorFormat::socket;
  PowerType power_type = PowerType::ac_3_phase;
  int max_voltage = 0;
  int max_amperage = 0;
  std::optional<int> max_electric_power;  ///< W
  std::vector<std::string> tariff_ids;
  std::optional<std::string> terms_and_conditions;
  Timestamp last_updated;
  bool operator==(const Connector&) const = default;
};

struct Evse {
  std::string uid;                 ///< CiString(36), unique within the CPO's platform
  std::optional<std::string> evse_id;  ///< eMI3 EVSE id, e.g. "DE*ABC*E123*1"
  EvseStatus status = EvseStatus::unknown;
  std::vector<StatusSchedule> status_schedule;
  std::vector<Capability> capabilities;
  std::vector<Connector> connectors;
  std::optional<std::string> floor_level;         ///< at most 4
  std::optional<GeoLocation> coordinates;
  std::optional<std::string> physical_reference;  ///< at most 16
  std::vector<DisplayText> directions;
  std::vector<ParkingRestriction> parking_restrictions;
  std::vector<Image> images;
  Timestamp last_updated;
  bool operator==(const Evse&) const = default;
};

struct Location {
  std::string country_code;
  std::string party_id;
  std::string id;  ///< CiString(36)
  bool publish = true;
  std::vector<PublishTokenType> publish_allowed_to;
  std::optional<std::string> name;         ///< at most 255
  std::string address;                     ///< at most 255 (2.2.1 errata)
  std::string city;                        ///< at most 45
  std::optional<std::string> postal_code;  ///< at most 10
  std::optional<std::string> state;        ///< at most 45 (2.2.1 errata)
  std::string country;                     ///< ISO 3166-1 alpha-3
  GeoLocation coordinates;
  std::vector<AdditionalGeoLocation> related_locations;
  std::optional<ParkingType> parking_type;
  std::vector<Evse> evses;
  std::vector<DisplayText> directions;
  std::optional<BusinessDetails> operator_;
  std::optional<BusinessDetails> suboperator;
  std::optional<BusinessDetails> owner;
  std::vector<Facility> facilities;
  std::string time_zone;  ///< IANA tz, e.g. "Europe/Berlin"
  std::optional<Hours> opening_times;
  std::optional<bool> charging_when_closed;
  std::vector<Image> images;
  std::optional<EnergyMix> energy_mix;
  Timestamp last_updated;
  bool operator==(const Location&) const = default;
};

/// A live status change of one EVSE (OCPI EVSE PATCH with status; OCHP UpdateStatus EvseStatus).
struct EvseStatusUpdate {
  std::string location_id;  ///< may be empty when only the EVSE id is known (OCHP)
  std::string evse_uid;
  std::optional<std::string> evse_id;
  EvseStatus status = EvseStatus::unknown;
  std::optional<Timestamp> valid_until;  ///< OCHP time-to-live; absent in OCPI
  Timestamp last_updated;
  bool operator==(const EvseStatusUpdate&) const = default;
};

}  // namespace hub::model
