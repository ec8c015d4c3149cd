// SPDX-License-Identifier: GPL-2.0-or-later
#include "convert.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <string_view>

namespace hub::ochp::detail {

void Decoder::fail(std::string what) {
  if (ok_) {
    ok_ = false;
    what_ = std::move(what);
  }
}

namespace {

// ------------------------------------------------------------ XSD value lists

template <std::size_t N>
using Values = std::array<std::string_view, N>;

constexpr Values<3> kTokenType{"rfid", "remote", "15118"};
constexpr Values<3> kTokenSubType{"mifareCls", "mifareDes", "calypso"};
constexpr Values<3> kRepresentation{"plain", "sha-160", "sha-256"};
constexpr Values<6> kCdrStatus{"new", "accepted", "rejected", "declined", "approved", "revised"};
constexpr Values<25> kConnectorStandard{
    "Chademo",       "IEC_62196_T1",         "IEC_62196_T1_COMBO",   "IEC_62196_T2",         "IEC_62196_T2_COMBO",
    "IEC_62196_T3A", "IEC_62196_T3C",        "DOMESTIC_A",           "DOMESTIC_B",           "DOMESTIC_C",
    "DOMESTIC_D",    "DOMESTIC_E",           "DOMESTIC_F",           "DOMESTIC_G",           "DOMESTIC_H",
    "DOMESTIC_I",    "DOMESTIC_J",           "DOMESTIC_K",           "DOMESTIC_L",           "TESLA_R",
    "TESLA_S",       "IEC_60309_2_single_16", "IEC_60309_2_three_16", "IEC_60309_2_three_32", "IEC_60309_2_three_64"};
constexpr Values<2> kConnectorFormat{"Socket", "Cable"};
constexpr Values<6> kRestriction{"evonly", "plugged", "disabled", "customers", "motorcycles", "carsharing"};
constexpr Values<7> kBillingItem{"parkingtime", "usagetime", "energy",         "power",
                                 "serviceFee",  "reservation", "reservationtime"};
constexpr Values<5> kGeoPointType{"entrance", "exit", "access", "ui", "other"};
constexpr Values<7> kGeneralLocation{"on-street", "parking-garage", "underground-garage", "parking-lot",
                                     "other",     "unknown",        "private"};
constexpr Values<11> kAuthMethod{"Public",        "LocalKey",      "DirectCash",  "DirectCreditcard",
                                 "DirectDebitcard", "RfidMifareCls", "RfidMifareDes", "RfidCalypso",
                                 "Iec15118",      "OchpDirectAuth", "OperatorAuth"};
constexpr Values<5> kChargePointStatus{"Unknown", "Operative", "Inoperative", "Planned", "Closed"};
constexpr Values<7> kResultCode{"ok", "partly", "not-authorized", "invalid-id", "server", "format", "roaming"};
constexpr Values<9> kImageClass{"networkLogo",   "operatorLogo", "ownerLogo", "stationPhoto", "locationPhoto",
                                "entrancePhoto", "otherPhoto",   "otherLogo", "otherGraphic"};
constexpr Values<6> kResourceClass{"operatorMap",     "operatorPayment", "stationInfo",
                                   "surroundingInfo", "ownerHomepage",   "feedbackForm"};
constexpr Values<2> kChargePointType{"AC", "DC"};
constexpr Values<3> kMajor{"available", "not-available", "unknown"};
constexpr Values<5> kMinor{"available", "reserved", "charging", "blocked", "outoforder"};
constexpr Values<3> kParkingStatus{"available", "not-available", "unknown"};
constexpr Values<3> kStatusType{"evse", "parking", "combined"};
constexpr Values<2> kNamespaceUrl{"http://ochp.eu/1.3", "http://ochp.eu/1.4"};

template <std::size_t N>
std::string check(Decoder& d, const std::string& v, const Values<N>& allowed, std::string_view field) {
  if (std::find(allowed.begin(), allowed.end(), std::string_view(v)) == allowed.end()) {
    d.fail(std::string(field) + ": value not in the XSD enumeration");
  }
  return v;
}

template <std::size_t N>
std::optional<std::string> check(Decoder& d, const std::string* v, const Values<N>& allowed, std::string_view field) {
  if (v == nullptr) {
    return std::nullopt;
  }
  return check(d, *v, allowed, field);
}

bool digits(std::string_view s, std::size_t from, std::size_t count) {
  for (std::size_t i = from; i < from + count; ++i) {
    if (std::isdigit(static_cast<unsigned char>(s[i])) == 0) {
      return false;
    }
  }
  return true;
}

/// "YYYY-MM-DDThh:mm:ss" prefix shape.
bool date_time_prefix(std::string_view s) {
  return s.size() >= 19 && digits(s, 0, 4) && s[4] == '-' && digits(s, 5, 2) && s[7] == '-' && digits(s, 8, 2) &&
         s[10] == 'T' && digits(s, 11, 2) && s[13] == ':' && digits(s, 14, 2) && s[16] == ':' && digits(s, 17, 2);
}

std::string date_time(Decoder& d, const g::ochp__DateTimeType& v, std::string_view field) {
  const std::string& s = v.DateTime;
  if (!(s.size() == 20 && date_time_prefix(s) && s[19] == 'Z')) {
    d.fail(std::string(field) + ": not a DateTimeType (YYYY-MM-DDThh:mm:ssZ)");
  }
  return s;
}

std::optional<std::string> date_time(Decoder& d, const g::ochp__DateTimeType* v, std::string_view field) {
  if (v == nullptr) {
    return std::nullopt;
  }
  return date_time(d, *v, field);
}

std::string local_date_time(Decoder& d, const g::ochp__LocalDateTimeType& v, std::string_view field) {
  const std::string& s = v.LocalDateTime;
  if (!(s.size() == 25 && date_time_prefix(s) && (s[19] == '+' || s[19] == '-') && digits(s, 20, 2) &&
        s[22] == ':' && digits(s, 23, 2))) {
    d.fail(std::string(field) + ": not a LocalDateTimeType (YYYY-MM-DDThh:mm:ss+hh:mm)");
  }
  return s;
}

Decimal decimal(Decoder& d, const std::string& v, std::string_view field) {
  auto parsed = Decimal::parse(v);
  if (!parsed) {
    d.fail(std::string(field) + ": not a decimal number");
    return {};
  }
  return *parsed;
}

std::optional<Decimal> decimal(Decoder& d, const std::string* v, std::string_view field) {
  if (v == nullptr) {
    return std::nullopt;
  }
  return decimal(d, *v, field);
}

template <class T>
std::optional<T> opt(const T* p) {
  if (p == nullptr) {
    return std::nullopt;
  }
  return *p;
}

template <class T>
T* ptr(Arena& a, const std::optional<T>& v) {
  return v ? a.make(*v) : nullptr;
}

g::ochp__DateTimeType dt(const std::string& s) {
  g::ochp__DateTimeType out;
  out.DateTime = s;
  return out;
}

g::ochp__DateTimeType* dt(Arena& a, const std::optional<std::string>& s) {
  return s ? a.make(dt(*s)) : nullptr;
}

g::ochp__LocalDateTimeType ldt(const std::string& s) {
  g::ochp__LocalDateTimeType out;
  out.LocalDateTime = s;
  return out;
}

std::string* dec(Arena& a, const std::optional<Decimal>& v) {
  return v ? a.make(v->to_string()) : nullptr;
}

// Decodes / encodes each element of a vector with the matching overload.
template <class P, class G>
std::vector<P> dec_all(Decoder& d, const std::vector<G>& in) {
  std::vector<P> out;
  out.reserve(in.size());
  for (const auto& item : in) {
    out.push_back(from_g(d, item));
  }
  return out;
}

// ------------------------------------------------------------ leaf types

}  // namespace

// from_g / to_g overloads are found by ordinary lookup inside this namespace.
EmtId from_g(Decoder& d, const g::ochp__EmtId& in);
ConnectorType from_g(Decoder& d, const g::ochp__ConnectorType& in);
Ratings from_g(Decoder& d, const g::ochp__RatingsType& in);
ParkingSpotInfo from_g(Decoder& d, const g::ochp__ParkingSpotInfo& in);
CdrPeriod from_g(Decoder& d, const g::ochp__CdrPeriodType& in);
AdditionalGeoPoint from_g(Decoder& d, const g::ochp__AdditionalGeoPointType& in);
RegularHours from_g(Decoder& d, const g::ochp__RegularHoursType& in);
ExceptionalPeriod from_g(Decoder& d, const g::ochp__ExceptionalPeriodType& in);
Hours from_g(Decoder& d, const g::ochp__HoursType& in);
ChargePointSchedule from_g(Decoder& d, const g::ochp__ChargePointScheduleType& in);
Address from_g(Decoder& d, const g::ochp__AddressType& in);
EvseImageUrl from_g(Decoder& d, const g::ochp__EvseImageUrlType& in);
RelatedResource from_g(Decoder& d, const g::ochp__RelatedResourceType& in);
TariffElement from_g(Decoder& d, const g::ochp__TariffElementType& in);
IndividualTariff from_g(Decoder& d, const g::ochp__IndividualTariffType& in);
RoamingAuthorisationInfo from_g(Decoder& d, const g::ochp__RoamingAuthorisationInfo& in);
CdrInfo from_g(Decoder& d, const g::ochp__CDRInfo& in);
ChargePointInfo from_g(Decoder& d, const g::ochp__ChargePointInfo& in);
TariffInfo from_g(Decoder& d, const g::ochp__TariffInfo& in);
EvseStatus from_g(Decoder& d, const g::ochp__EvseStatusType& in);
ParkingStatus from_g(Decoder& d, const g::ochp__ParkingStatusType& in);
CdrConfirmation from_g(Decoder& d, const g::ochp__CdrConfirmation& in);
DirectEndpoint from_g(Decoder& d, const g::ochp__ProviderEndpoint& in);
DirectEndpoint from_g(Decoder& d, const g::ochp__OperatorEndpoint& in);
std::string from_g(Decoder& d, const g::ochp__RestrictionType& in);
std::string from_g(Decoder& d, const g::ochp__AuthMethodType& in);
std::string from_g(Decoder& d, const std::string& in);

std::string from_g(Decoder&, const std::string& in) {
  return in;
}

std::string from_g(Decoder& d, const g::ochp__RestrictionType& in) {
  return check(d, in.RestrictionType, kRestriction, "RestrictionType");
}

std::string from_g(Decoder& d, const g::ochp__AuthMethodType& in) {
  return check(d, in.AuthMethodType, kAuthMethod, "AuthMethodType");
}

EmtId from_g(Decoder& d, const g::ochp__EmtId& in) {
  EmtId out;
  out.instance = in.instance;
  out.token_type = check(d, in.tokenType, kTokenType, "tokenType");
  out.token_sub_type = check(d, in.tokenSubType, kTokenSubType, "tokenSubType");
  if (in.representation != nullptr) {
    out.representation = check(d, *in.representation, kRepresentation, "representation");
  }
  return out;
}

ConnectorType from_g(Decoder& d, const g::ochp__ConnectorType& in) {
  ConnectorType out;
  out.connector_standard = check(d, in.connectorStandard.ConnectorStandard, kConnectorStandard, "ConnectorStandard");
  out.connector_format = check(d, in.connectorFormat.ConnectorFormat, kConnectorFormat, "ConnectorFormat");
  out.tariff_id = opt(in.tariffId);
  return out;
}

Ratings from_g(Decoder& d, const g::ochp__RatingsType& in) {
  Ratings out;
  out.maximum_power = decimal(d, in.maximumPower, "maximumPower");
  out.guaranteed_power = decimal(d, in.guaranteedPower, "guaranteedPower");
  out.nominal_voltage = opt(in.nominalVoltage);
  return out;
}

ParkingSpotInfo from_g(Decoder& d, const g::ochp__ParkingSpotInfo& in) {
  ParkingSpotInfo out;
  out.parking_id = in.parkingId;
  out.restriction = dec_all<std::string>(d, in.restriction);
  out.floor_level = opt(in.floorLevel);
  out.parking_spot_number = opt(in.parkingSpotNumber);
  return out;
}

CdrPeriod from_g(Decoder& d, const g::ochp__CdrPeriodType& in) {
  CdrPeriod out;
  out.start_date_time = local_date_time(d, in.startDateTime, "startDateTime");
  out.end_date_time = local_date_time(d, in.endDateTime, "endDateTime");
  out.billing_item = check(d, in.billingItem.BillingItemType, kBillingItem, "BillingItemType");
  out.billing_value = decimal(d, in.billingValue, "billingValue");
  out.item_price = decimal(d, in.itemPrice, "itemPrice");
  out.period_cost = decimal(d, in.periodCost, "periodCost");
  out.taxrate = opt(in.taxrate);
  return out;
}

AdditionalGeoPoint from_g(Decoder& d, const g::ochp__AdditionalGeoPointType& in) {
  AdditionalGeoPoint out;
  out.lat = in.lat;
  out.lon = in.lon;
  out.name = opt(in.name);
  out.type = check(d, in.type, kGeoPointType, "relatedLocation/@type");
  return out;
}

RegularHours from_g(Decoder& d, const g::ochp__RegularHoursType& in) {
  if (in.weekday < 1 || in.weekday > 7) {
    d.fail("regularHours/@weekday: outside 1..7");
  }
  return RegularHours{in.weekday, in.periodBegin, in.periodEnd};
}

ExceptionalPeriod from_g(Decoder& d, const g::ochp__ExceptionalPeriodType& in) {
  return ExceptionalPeriod{date_time(d, in.periodBegin, "periodBegin"), date_time(d, in.periodEnd, "periodEnd")};
}

Hours from_g(Decoder& d, const g::ochp__HoursType& in) {
  Hours out;
  out.regular_hours = dec_all<RegularHours>(d, in.regularHours);
  out.twentyfourseven = opt(in.twentyfourseven);
  if (out.regular_hours.empty() == !out.twentyfourseven.has_value()) {
    d.fail("openingTimes: exactly one of regularHours / twentyfourseven is required");
  }
  out.exceptional_openings = dec_all<ExceptionalPeriod>(d, in.exceptionalOpenings);
  out.exceptional_closings = dec_all<ExceptionalPeriod>(d, in.exceptionalClosings);
  out.closed_charging = in.closedCharging;
  return out;
}

ChargePointSchedule from_g(Decoder& d, const g::ochp__ChargePointScheduleType& in) {
  ChargePointSchedule out;
  out.start_date = date_time(d, in.startDate, "startDate");
  out.end_date = date_time(d, in.endDate, "endDate");
  out.status = check(d, in.status.ChargePointStatusType, kChargePointStatus, "ChargePointStatusType");
  return out;
}

Address from_g(Decoder&, const g::ochp__AddressType& in) {
  return Address{opt(in.houseNumber), in.address, in.city, in.zipCode, in.country};
}

EvseImageUrl from_g(Decoder& d, const g::ochp__EvseImageUrlType& in) {
  EvseImageUrl out;
  out.uri = in.uri;
  out.thumb_uri = opt(in.thumbUri);
  out.image_class = check(d, in.class_, kImageClass, "images/class");
  out.type = in.type;
  out.width = opt(in.width);
  out.height = opt(in.height);
  return out;
}

RelatedResource from_g(Decoder& d, const g::ochp__RelatedResourceType& in) {
  return RelatedResource{in.uri, check(d, in.class_, kResourceClass, "relatedResource/class")};
}

TariffElement from_g(Decoder& d, const g::ochp__TariffElementType& in) {
  TariffElement out;
  const auto& pc = in.priceComponent;
  out.price_component.billing_item = check(d, pc.billingItem.BillingItemType, kBillingItem, "BillingItemType");
  out.price_component.item_price = decimal(d, pc.itemPrice, "itemPrice");
  out.price_component.step_size = decimal(d, pc.stepSize, "stepSize");
  const auto& tr = in.tariffRestriction;
  auto& r = out.tariff_restriction;
  r.regular_hours = dec_all<RegularHours>(d, tr.regularHours);
  r.start_date_time = date_time(d, tr.startDateTime, "startDateTime");
  r.end_date_time = date_time(d, tr.endDateTime, "endDateTime");
  r.min_energy = decimal(d, tr.minEnergy, "minEnergy");
  r.max_energy = decimal(d, tr.maxEnergy, "maxEnergy");
  r.min_power = decimal(d, tr.minPower, "minPower");
  r.max_power = decimal(d, tr.maxPower, "maxPower");
  r.min_duration = opt(tr.minDuration);
  r.max_duration = opt(tr.maxDuration);
  return out;
}

IndividualTariff from_g(Decoder& d, const g::ochp__IndividualTariffType& in) {
  return IndividualTariff{dec_all<TariffElement>(d, in.tariffElement), in.recipient, in.currency};
}

RoamingAuthorisationInfo from_g(Decoder& d, const g::ochp__RoamingAuthorisationInfo& in) {
  RoamingAuthorisationInfo out;
  out.emt_id = from_g(d, in.EmtId);
  out.contract_id = in.contractId;
  out.printed_number = opt(in.printedNumber);
  out.expiry_date = date_time(d, in.expiryDate, "expiryDate");
  return out;
}

CdrInfo from_g(Decoder& d, const g::ochp__CDRInfo& in) {
  CdrInfo out;
  out.cdr_id = in.CdrId;
  out.evse_id = in.evseId;
  out.emt_id = from_g(d, in.emtId);
  out.contract_id = in.contractId;
  out.status = check(d, in.status.CdrStatusType, kCdrStatus, "CdrStatusType");
  out.start_date_time = local_date_time(d, in.startDateTime, "startDateTime");
  out.end_date_time = local_date_time(d, in.endDateTime, "endDateTime");
  out.duration = opt(in.duration);
  out.charge_point_address = from_g(d, in.chargePointAddress);
  out.charge_point_type = check(d, in.chargePointType, kChargePointType, "chargePointType");
  out.connector_type = from_g(d, in.connectorType);
  if (in.ratings != nullptr) {
    out.ratings = from_g(d, *in.ratings);
  }
  out.meter_id = opt(in.meterId);
  out.charging_periods = dec_all<CdrPeriod>(d, in.chargingPeriods);
  out.total_cost = decimal(d, in.totalCost, "totalCost");
  out.currency = in.currency;
  return out;
}

ChargePointInfo from_g(Decoder& d, const g::ochp__ChargePointInfo& in) {
  ChargePointInfo out;
  out.evse_id = in.evseId;
  out.location_id = in.locationId;
  out.timestamp = date_time(d, in.timestamp, "timestamp");
  out.location_name = in.locationName;
  out.location_name_lang = in.locationNameLang;
  out.images = dec_all<EvseImageUrl>(d, in.images);
  out.related_resource = dec_all<RelatedResource>(d, in.relatedResource);
  out.charge_point_address = from_g(d, in.chargePointAddress);
  out.charge_point_location = GeoPoint{in.chargePointLocation.lat, in.chargePointLocation.lon};
  out.related_location = dec_all<AdditionalGeoPoint>(d, in.relatedLocation);
  out.time_zone = opt(in.timeZone);
  if (in.openingTimes != nullptr) {
    out.opening_times = from_g(d, *in.openingTimes);
  }
  if (in.status != nullptr) {
    out.status = check(d, in.status->ChargePointStatusType, kChargePointStatus, "ChargePointStatusType");
  }
  out.status_schedule = dec_all<ChargePointSchedule>(d, in.statusSchedule);
  out.telephone_number = opt(in.telephoneNumber);
  out.location = check(d, in.location.GeneralLocationType, kGeneralLocation, "GeneralLocationType");
  out.parking_spot = dec_all<ParkingSpotInfo>(d, in.parkingSpot);
  out.restriction = dec_all<std::string>(d, in.restriction);
  out.auth_methods = dec_all<std::string>(d, in.authMethods);
  out.connectors = dec_all<ConnectorType>(d, in.connectors);
  out.charge_point_type = check(d, in.chargePointType, kChargePointType, "chargePointType");
  if (in.ratings != nullptr) {
    out.ratings = from_g(d, *in.ratings);
  }
  out.user_interface_lang = in.userInterfaceLang;
  out.max_reservation = opt(in.maxReservation);
  return out;
}

TariffInfo from_g(Decoder& d, const g::ochp__TariffInfo& in) {
  return TariffInfo{in.tariffId, dec_all<IndividualTariff>(d, in.individualTariff)};
}

EvseStatus from_g(Decoder& d, const g::ochp__EvseStatusType& in) {
  EvseStatus out;
  out.evse_id = in.evseId;
  out.major = check(d, in.major, kMajor, "evse/@major");
  out.minor = check(d, in.minor, kMinor, "evse/@minor");
  out.ttl = opt(in.ttl);
  return out;
}

ParkingStatus from_g(Decoder& d, const g::ochp__ParkingStatusType& in) {
  return ParkingStatus{in.parkingId, check(d, in.status, kParkingStatus, "parking/@status"), opt(in.ttl)};
}

CdrConfirmation from_g(Decoder&, const g::ochp__CdrConfirmation& in) {
  return CdrConfirmation{in.cdrId, in.evseId};
}

template <class G>
DirectEndpoint endpoint_from_g(Decoder& d, const G& in) {
  DirectEndpoint out;
  out.url = in.url;
  out.namespace_url = check(d, in.namespaceUrl, kNamespaceUrl, "namespaceUrl");
  out.access_token = in.accessToken;
  out.valid_date = in.validDate;
  out.whitelist = in.whitelist;
  out.blacklist = in.blacklist;
  return out;
}

DirectEndpoint from_g(Decoder& d, const g::ochp__ProviderEndpoint& in) {
  return endpoint_from_g(d, in);
}

DirectEndpoint from_g(Decoder& d, const g::ochp__OperatorEndpoint& in) {
  return endpoint_from_g(d, in);
}

ResultInfo from_g(Decoder& d, const g::ochp__Result& in) {
  ResultInfo out;
  out.code = check(d, in.resultCode.resultCode, kResultCode, "resultCode");
  out.description = opt(in.resultDescription);
  return out;
}

// ------------------------------------------------------------ encoding

g::ochp__EmtId to_g(Arena& a, const EmtId& in) {
  g::ochp__EmtId out;
  out.instance = in.instance;
  out.tokenType = in.token_type;
  out.tokenSubType = ptr(a, in.token_sub_type);
  out.representation = in.representation.empty() || in.representation == "plain" ? nullptr
                                                                                  : a.make(in.representation);
  return out;
}

g::ochp__ConnectorType to_g(Arena& a, const ConnectorType& in) {
  g::ochp__ConnectorType out;
  out.connectorStandard.ConnectorStandard = in.connector_standard;
  out.connectorFormat.ConnectorFormat = in.connector_format;
  out.tariffId = ptr(a, in.tariff_id);
  return out;
}

g::ochp__RatingsType to_g(Arena& a, const Ratings& in) {
  g::ochp__RatingsType out;
  out.maximumPower = in.maximum_power.to_string();
  out.guaranteedPower = dec(a, in.guaranteed_power);
  out.nominalVoltage = ptr(a, in.nominal_voltage);
  return out;
}

g::ochp__RestrictionType restriction_to_g(const std::string& in) {
  g::ochp__RestrictionType out;
  out.RestrictionType = in;
  return out;
}

g::ochp__ParkingSpotInfo to_g(Arena& a, const ParkingSpotInfo& in) {
  g::ochp__ParkingSpotInfo out;
  out.parkingId = in.parking_id;
  for (const auto& r : in.restriction) {
    out.restriction.push_back(restriction_to_g(r));
  }
  out.floorLevel = ptr(a, in.floor_level);
  out.parkingSpotNumber = ptr(a, in.parking_spot_number);
  return out;
}

g::ochp__CdrPeriodType to_g(Arena& a, const CdrPeriod& in) {
  g::ochp__CdrPeriodType out;
  out.startDateTime = ldt(in.start_date_time);
  out.endDateTime = ldt(in.end_date_time);
  out.billingItem.BillingItemType = in.billing_item;
  out.billingValue = in.billing_value.to_string();
  out.itemPrice = in.item_price.to_string();
  out.periodCost = dec(a, in.period_cost);
  out.taxrate = ptr(a, in.taxrate);
  return out;
}

g::ochp__AdditionalGeoPointType to_g(Arena& a, const AdditionalGeoPoint& in) {
  g::ochp__AdditionalGeoPointType out;
  out.lat = in.lat;
  out.lon = in.lon;
  out.name = ptr(a, in.name);
  out.type = in.type;
  return out;
}

g::ochp__RegularHoursType to_g(Arena&, const RegularHours& in) {
  g::ochp__RegularHoursType out;
  out.weekday = in.weekday;
  out.periodBegin = in.period_begin;
  out.periodEnd = in.period_end;
  return out;
}

g::ochp__ExceptionalPeriodType to_g(Arena&, const ExceptionalPeriod& in) {
  g::ochp__ExceptionalPeriodType out;
  out.periodBegin = dt(in.period_begin);
  out.periodEnd = dt(in.period_end);
  return out;
}

template <class G, class P>
std::vector<G> enc_all(Arena& a, const std::vector<P>& in) {
  std::vector<G> out;
  out.reserve(in.size());
  for (const auto& item : in) {
    out.push_back(to_g(a, item));
  }
  return out;
}

g::ochp__HoursType to_g(Arena& a, const Hours& in) {
  g::ochp__HoursType out;
  out.regularHours = enc_all<g::ochp__RegularHoursType>(a, in.regular_hours);
  if (in.regular_hours.empty()) {
    out.twentyfourseven = a.make(in.twentyfourseven.value_or(false));
  }
  out.exceptionalOpenings = enc_all<g::ochp__ExceptionalPeriodType>(a, in.exceptional_openings);
  out.exceptionalClosings = enc_all<g::ochp__ExceptionalPeriodType>(a, in.exceptional_closings);
  out.closedCharging = in.closed_charging;
  return out;
}

g::ochp__ChargePointScheduleType to_g(Arena& a, const ChargePointSchedule& in) {
  g::ochp__ChargePointScheduleType out;
  out.startDate = dt(in.start_date);
  out.endDate = dt(a, in.end_date);
  out.status.ChargePointStatusType = in.status;
  return out;
}

g::ochp__AddressType to_g(Arena& a, const Address& in) {
  g::ochp__AddressType out;
  out.houseNumber = ptr(a, in.house_number);
  out.address = in.address;
  out.city = in.city;
  out.zipCode = in.zip_code;
  out.country = in.country;
  return out;
}

g::ochp__EvseImageUrlType to_g(Arena& a, const EvseImageUrl& in) {
  g::ochp__EvseImageUrlType out;
  out.uri = in.uri;
  out.thumbUri = ptr(a, in.thumb_uri);
  out.class_ = in.image_class;
  out.type = in.type;
  out.width = ptr(a, in.width);
  out.height = ptr(a, in.height);
  return out;
}

g::ochp__RelatedResourceType to_g(Arena&, const RelatedResource& in) {
  g::ochp__RelatedResourceType out;
  out.uri = in.uri;
  out.class_ = in.resource_class;
  return out;
}

g::ochp__TariffElementType to_g(Arena& a, const TariffElement& in) {
  g::ochp__TariffElementType out;
  out.priceComponent.billingItem.BillingItemType = in.price_component.billing_item;
  out.priceComponent.itemPrice = in.price_component.item_price.to_string();
  out.priceComponent.stepSize = in.price_component.step_size.to_string();
  const auto& r = in.tariff_restriction;
  auto& tr = out.tariffRestriction;
  tr.regularHours = enc_all<g::ochp__RegularHoursType>(a, r.regular_hours);
  tr.startDateTime = dt(a, r.start_date_time);
  tr.endDateTime = dt(a, r.end_date_time);
  tr.minEnergy = dec(a, r.min_energy);
  tr.maxEnergy = dec(a, r.max_energy);
  tr.minPower = dec(a, r.min_power);
  tr.maxPower = dec(a, r.max_power);
  tr.minDuration = ptr(a, r.min_duration);
  tr.maxDuration = ptr(a, r.max_duration);
  return out;
}

g::ochp__IndividualTariffType to_g(Arena& a, const IndividualTariff& in) {
  g::ochp__IndividualTariffType out;
  out.tariffElement = enc_all<g::ochp__TariffElementType>(a, in.tariff_element);
  out.recipient = in.recipient;
  out.currency = in.currency;
  return out;
}

g::ochp__RoamingAuthorisationInfo to_g(Arena& a, const RoamingAuthorisationInfo& in) {
  g::ochp__RoamingAuthorisationInfo out;
  out.EmtId = to_g(a, in.emt_id);
  out.contractId = in.contract_id;
  out.printedNumber = ptr(a, in.printed_number);
  out.expiryDate = dt(in.expiry_date);
  return out;
}

g::ochp__CDRInfo to_g(Arena& a, const CdrInfo& in) {
  g::ochp__CDRInfo out;
  out.CdrId = in.cdr_id;
  out.evseId = in.evse_id;
  out.emtId = to_g(a, in.emt_id);
  out.contractId = in.contract_id;
  out.status.CdrStatusType = in.status;
  out.startDateTime = ldt(in.start_date_time);
  out.endDateTime = ldt(in.end_date_time);
  out.duration = ptr(a, in.duration);
  out.chargePointAddress = to_g(a, in.charge_point_address);
  out.chargePointType = in.charge_point_type;
  out.connectorType = to_g(a, in.connector_type);
  out.ratings = in.ratings ? a.make(to_g(a, *in.ratings)) : nullptr;
  out.meterId = ptr(a, in.meter_id);
  out.chargingPeriods = enc_all<g::ochp__CdrPeriodType>(a, in.charging_periods);
  out.totalCost = dec(a, in.total_cost);
  out.currency = in.currency;
  return out;
}

g::ochp__ChargePointInfo to_g(Arena& a, const ChargePointInfo& in) {
  g::ochp__ChargePointInfo out;
  out.evseId = in.evse_id;
  out.locationId = in.location_id;
  out.timestamp = dt(a, in.timestamp);
  out.locationName = in.location_name;
  out.locationNameLang = in.location_name_lang;
  out.images = enc_all<g::ochp__EvseImageUrlType>(a, in.images);
  out.relatedResource = enc_all<g::ochp__RelatedResourceType>(a, in.related_resource);
  out.chargePointAddress = to_g(a, in.charge_point_address);
  out.chargePointLocation.lat = in.charge_point_location.lat;
  out.chargePointLocation.lon = in.charge_point_location.lon;
  out.relatedLocation = enc_all<g::ochp__AdditionalGeoPointType>(a, in.related_location);
  out.timeZone = ptr(a, in.time_zone);
  out.openingTimes = in.opening_times ? a.make(to_g(a, *in.opening_times)) : nullptr;
  if (in.status) {
    g::ochp__ChargePointStatusType s;
    s.ChargePointStatusType = *in.status;
    out.status = a.make(s);
  }
  out.statusSchedule = enc_all<g::ochp__ChargePointScheduleType>(a, in.status_schedule);
  out.telephoneNumber = ptr(a, in.telephone_number);
  out.location.GeneralLocationType = in.location;
  out.parkingSpot = enc_all<g::ochp__ParkingSpotInfo>(a, in.parking_spot);
  for (const auto& r : in.restriction) {
    out.restriction.push_back(restriction_to_g(r));
  }
  for (const auto& m : in.auth_methods) {
    g::ochp__AuthMethodType am;
    am.AuthMethodType = m;
    out.authMethods.push_back(am);
  }
  out.connectors = enc_all<g::ochp__ConnectorType>(a, in.connectors);
  out.chargePointType = in.charge_point_type;
  out.ratings = in.ratings ? a.make(to_g(a, *in.ratings)) : nullptr;
  out.userInterfaceLang = in.user_interface_lang;
  out.maxReservation = ptr(a, in.max_reservation);
  return out;
}

g::ochp__TariffInfo to_g(Arena& a, const TariffInfo& in) {
  g::ochp__TariffInfo out;
  out.tariffId = in.tariff_id;
  out.individualTariff = enc_all<g::ochp__IndividualTariffType>(a, in.individual_tariff);
  return out;
}

g::ochp__EvseStatusType to_g(Arena& a, const EvseStatus& in) {
  g::ochp__EvseStatusType out;
  out.evseId = in.evse_id;
  out.major = in.major;
  out.minor = ptr(a, in.minor);
  out.ttl = ptr(a, in.ttl);
  return out;
}

g::ochp__ParkingStatusType to_g(Arena& a, const ParkingStatus& in) {
  g::ochp__ParkingStatusType out;
  out.parkingId = in.parking_id;
  out.status = in.status;
  out.ttl = ptr(a, in.ttl);
  return out;
}

g::ochp__CdrConfirmation to_g(Arena&, const CdrConfirmation& in) {
  g::ochp__CdrConfirmation out;
  out.cdrId = in.cdr_id;
  out.evseId = in.evse_id;
  return out;
}

template <class G>
G endpoint_to_g(const DirectEndpoint& in) {
  G out;
  out.url = in.url;
  out.namespaceUrl = in.namespace_url;
  out.accessToken = in.access_token;
  out.validDate = in.valid_date;
  out.whitelist = in.whitelist;
  out.blacklist = in.blacklist;
  return out;
}

template <class G>
std::vector<G> endpoints_to_g(const std::vector<DirectEndpoint>& in) {
  std::vector<G> out;
  for (const auto& e : in) {
    out.push_back(endpoint_to_g<G>(e));
  }
  return out;
}

g::ochp__Result to_g(Arena& a, const ResultInfo& in) {
  g::ochp__Result out;
  out.resultCode.resultCode = in.code;
  out.resultDescription = ptr(a, in.description);
  return out;
}

// ------------------------------------------------------------ messages

using PRV = g::ochp__ProviderEndpoint;
using ORV = g::ochp__OperatorEndpoint;

SetChargePointListRequest decode(Decoder& d, const g::_ochp__SetChargePointListRequest& in) {
  return {dec_all<ChargePointInfo>(d, in.chargePointInfoArray)};
}
SetChargePointListResponse decode(Decoder& d, const g::_ochp__SetChargePointListResponse& in) {
  return {from_g(d, in.result), dec_all<ChargePointInfo>(d, in.refusedChargePointInfo)};
}
void encode(Arena& a, const SetChargePointListRequest& in, g::_ochp__SetChargePointListRequest& out) {
  out.chargePointInfoArray = enc_all<g::ochp__ChargePointInfo>(a, in.charge_point_info_array);
}
void encode(Arena& a, const SetChargePointListResponse& in, g::_ochp__SetChargePointListResponse& out) {
  out.result = to_g(a, in.result);
  out.refusedChargePointInfo = enc_all<g::ochp__ChargePointInfo>(a, in.refused_charge_point_info);
}

UpdateChargePointListRequest decode(Decoder& d, const g::_ochp__UpdateChargePointListRequest& in) {
  return {dec_all<ChargePointInfo>(d, in.chargePointInfoArray)};
}
UpdateChargePointListResponse decode(Decoder& d, const g::_ochp__UpdateChargePointListResponse& in) {
  return {from_g(d, in.result), dec_all<ChargePointInfo>(d, in.refusedChargePointInfo)};
}
void encode(Arena& a, const UpdateChargePointListRequest& in, g::_ochp__UpdateChargePointListRequest& out) {
  out.chargePointInfoArray = enc_all<g::ochp__ChargePointInfo>(a, in.charge_point_info_array);
}
void encode(Arena& a, const UpdateChargePointListResponse& in, g::_ochp__UpdateChargePointListResponse& out) {
  out.result = to_g(a, in.result);
  out.refusedChargePointInfo = enc_all<g::ochp__ChargePointInfo>(a, in.refused_charge_point_info);
}

GetChargePointListRequest decode(Decoder&, const g::_ochp__GetChargePointListRequest&) {
  return {};
}
GetChargePointListResponse decode(Decoder& d, const g::_ochp__GetChargePointListResponse& in) {
  return {from_g(d, in.result), dec_all<ChargePointInfo>(d, in.chargePointInfoArray)};
}
void encode(Arena&, const GetChargePointListRequest&, g::_ochp__GetChargePointListRequest&) {}
void encode(Arena& a, const GetChargePointListResponse& in, g::_ochp__GetChargePointListResponse& out) {
  out.result = to_g(a, in.result);
  out.chargePointInfoArray = enc_all<g::ochp__ChargePointInfo>(a, in.charge_point_info_array);
}

GetChargePointListUpdatesRequest decode(Decoder& d, const g::_ochp__GetChargePointListUpdatesRequest& in) {
  return {date_time(d, in.lastUpdate, "lastUpdate")};
}
GetChargePointListUpdatesResponse decode(Decoder& d, const g::_ochp__GetChargePointListUpdatesResponse& in) {
  return {from_g(d, in.result), dec_all<ChargePointInfo>(d, in.chargePointInfoArray)};
}
void encode(Arena&, const GetChargePointListUpdatesRequest& in, g::_ochp__GetChargePointListUpdatesRequest& out) {
  out.lastUpdate = dt(in.last_update);
}
void encode(Arena& a, const GetChargePointListUpdatesResponse& in, g::_ochp__GetChargePointListUpdatesResponse& out) {
  out.result = to_g(a, in.result);
  out.chargePointInfoArray = enc_all<g::ochp__ChargePointInfo>(a, in.charge_point_info_array);
}

SetRoamingAuthorisationListRequest decode(Decoder& d, const g::_ochp__SetRoamingAuthorisationListRequest& in) {
  return {dec_all<RoamingAuthorisationInfo>(d, in.roamingAuthorisationInfoArray)};
}
SetRoamingAuthorisationListResponse decode(Decoder& d, const g::_ochp__SetRoamingAuthorisationListResponse& in) {
  return {from_g(d, in.result), dec_all<RoamingAuthorisationInfo>(d, in.refusedRoamingAuthorisationInfo)};
}
void encode(Arena& a, const SetRoamingAuthorisationListRequest& in, g::_ochp__SetRoamingAuthorisationListRequest& out) {
  out.roamingAuthorisationInfoArray =
      enc_all<g::ochp__RoamingAuthorisationInfo>(a, in.roaming_authorisation_info_array);
}
void encode(Arena& a, const SetRoamingAuthorisationListResponse& in,
            g::_ochp__SetRoamingAuthorisationListResponse& out) {
  out.result = to_g(a, in.result);
  out.refusedRoamingAuthorisationInfo =
      enc_all<g::ochp__RoamingAuthorisationInfo>(a, in.refused_roaming_authorisation_info);
}

UpdateRoamingAuthorisationListRequest decode(Decoder& d, const g::_ochp__UpdateRoamingAuthorisationListRequest& in) {
  return {dec_all<RoamingAuthorisationInfo>(d, in.roamingAuthorisationInfoArray)};
}
UpdateRoamingAuthorisationListResponse decode(Decoder& d,
                                              const g::_ochp__UpdateRoamingAuthorisationListResponse& in) {
  return {from_g(d, in.result), dec_all<RoamingAuthorisationInfo>(d, in.refusedRoamingAuthorisationInfo)};
}
void encode(Arena& a, const UpdateRoamingAuthorisationListRequest& in,
            g::_ochp__UpdateRoamingAuthorisationListRequest& out) {
  out.roamingAuthorisationInfoArray =
      enc_all<g::ochp__RoamingAuthorisationInfo>(a, in.roaming_authorisation_info_array);
}
void encode(Arena& a, const UpdateRoamingAuthorisationListResponse& in,
            g::_ochp__UpdateRoamingAuthorisationListResponse& out) {
  out.result = to_g(a, in.result);
  out.refusedRoamingAuthorisationInfo =
      enc_all<g::ochp__RoamingAuthorisationInfo>(a, in.refused_roaming_authorisation_info);
}

GetRoamingAuthorisationListRequest decode(Decoder&, const g::_ochp__GetRoamingAuthorisationListRequest&) {
  return {};
}
GetRoamingAuthorisationListResponse decode(Decoder& d, const g::_ochp__GetRoamingAuthorisationListResponse& in) {
  return {from_g(d, in.result), dec_all<RoamingAuthorisationInfo>(d, in.roamingAuthorisationInfoArray)};
}
void encode(Arena&, const GetRoamingAuthorisationListRequest&, g::_ochp__GetRoamingAuthorisationListRequest&) {}
void encode(Arena& a, const GetRoamingAuthorisationListResponse& in,
            g::_ochp__GetRoamingAuthorisationListResponse& out) {
  out.result = to_g(a, in.result);
  out.roamingAuthorisationInfoArray =
      enc_all<g::ochp__RoamingAuthorisationInfo>(a, in.roaming_authorisation_info_array);
}

GetRoamingAuthorisationListUpdatesRequest decode(Decoder& d,
                                                 const g::_ochp__GetRoamingAuthorisationListUpdatesRequest& in) {
  return {date_time(d, in.lastUpdate, "lastUpdate")};
}
GetRoamingAuthorisationListUpdatesResponse decode(Decoder& d,
                                                  const g::_ochp__GetRoamingAuthorisationListUpdatesResponse& in) {
  return {from_g(d, in.result), dec_all<RoamingAuthorisationInfo>(d, in.roamingAuthorisationInfo)};
}
void encode(Arena&, const GetRoamingAuthorisationListUpdatesRequest& in,
            g::_ochp__GetRoamingAuthorisationListUpdatesRequest& out) {
  out.lastUpdate = dt(in.last_update);
}
void encode(Arena& a, const GetRoamingAuthorisationListUpdatesResponse& in,
            g::_ochp__GetRoamingAuthorisationListUpdatesResponse& out) {
  out.result = to_g(a, in.result);
  out.roamingAuthorisationInfo = enc_all<g::ochp__RoamingAuthorisationInfo>(a, in.roaming_authorisation_info);
}

GetSingleRoamingAuthorisationRequest decode(Decoder& d, const g::_ochp__GetSingleRoamingAuthorisationRequest& in) {
  return {from_g(d, in.emtId)};
}
GetSingleRoamingAuthorisationResponse decode(Decoder& d, const g::_ochp__GetSingleRoamingAuthorisationResponse& in) {
  GetSingleRoamingAuthorisationResponse out;
  out.result = from_g(d, in.result);
  if (in.roamingAuthorisationInfo != nullptr) {
    out.roaming_authorisation_info = from_g(d, *in.roamingAuthorisationInfo);
  }
  return out;
}
void encode(Arena& a, const GetSingleRoamingAuthorisationRequest& in,
            g::_ochp__GetSingleRoamingAuthorisationRequest& out) {
  out.emtId = to_g(a, in.emt_id);
}
void encode(Arena& a, const GetSingleRoamingAuthorisationResponse& in,
            g::_ochp__GetSingleRoamingAuthorisationResponse& out) {
  out.result = to_g(a, in.result);
  out.roamingAuthorisationInfo =
      in.roaming_authorisation_info ? a.make(to_g(a, *in.roaming_authorisation_info)) : nullptr;
}

AddCdrsRequest decode(Decoder& d, const g::_ochp__AddCDRsRequest& in) {
  return {dec_all<CdrInfo>(d, in.cdrInfoArray)};
}
AddCdrsResponse decode(Decoder& d, const g::_ochp__AddCDRsResponse& in) {
  return {from_g(d, in.result), in.implausibleCdrsArray};
}
void encode(Arena& a, const AddCdrsRequest& in, g::_ochp__AddCDRsRequest& out) {
  out.cdrInfoArray = enc_all<g::ochp__CDRInfo>(a, in.cdr_info_array);
}
void encode(Arena& a, const AddCdrsResponse& in, g::_ochp__AddCDRsResponse& out) {
  out.result = to_g(a, in.result);
  out.implausibleCdrsArray = in.implausible_cdrs_array;
}

CheckCdrsRequest decode(Decoder& d, const g::_ochp__CheckCDRsRequest& in) {
  CheckCdrsRequest out;
  if (in.cdrStatus != nullptr) {
    out.cdr_status = check(d, in.cdrStatus->CdrStatusType, kCdrStatus, "cdrStatus");
  }
  return out;
}
CheckCdrsResponse decode(Decoder& d, const g::_ochp__CheckCDRsResponse& in) {
  return {from_g(d, in.result), dec_all<CdrInfo>(d, in.cdrInfoArray)};
}
g::ochp__CdrStatusType* cdr_status(Arena& a, const std::optional<std::string>& s) {
  if (!s) {
    return nullptr;
  }
  g::ochp__CdrStatusType v;
  v.CdrStatusType = *s;
  return a.make(v);
}
void encode(Arena& a, const CheckCdrsRequest& in, g::_ochp__CheckCDRsRequest& out) {
  out.cdrStatus = cdr_status(a, in.cdr_status);
}
void encode(Arena& a, const CheckCdrsResponse& in, g::_ochp__CheckCDRsResponse& out) {
  out.result = to_g(a, in.result);
  out.cdrInfoArray = enc_all<g::ochp__CDRInfo>(a, in.cdr_info_array);
}

GetCdrsRequest decode(Decoder& d, const g::_ochp__GetCDRsRequest& in) {
  GetCdrsRequest out;
  if (in.cdrStatus != nullptr) {
    out.cdr_status = check(d, in.cdrStatus->CdrStatusType, kCdrStatus, "cdrStatus");
  }
  return out;
}
GetCdrsResponse decode(Decoder& d, const g::_ochp__GetCDRsResponse& in) {
  return {from_g(d, in.result), dec_all<CdrInfo>(d, in.cdrInfoArray)};
}
void encode(Arena& a, const GetCdrsRequest& in, g::_ochp__GetCDRsRequest& out) {
  out.cdrStatus = cdr_status(a, in.cdr_status);
}
void encode(Arena& a, const GetCdrsResponse& in, g::_ochp__GetCDRsResponse& out) {
  out.result = to_g(a, in.result);
  out.cdrInfoArray = enc_all<g::ochp__CDRInfo>(a, in.cdr_info_array);
}

ConfirmCdrsRequest decode(Decoder& d, const g::_ochp__ConfirmCDRsRequest& in) {
  return {dec_all<CdrConfirmation>(d, in.approved), dec_all<CdrConfirmation>(d, in.declined)};
}
ConfirmCdrsResponse decode(Decoder& d, const g::_ochp__ConfirmCDRsResponse& in) {
  return {from_g(d, in.result)};
}
void encode(Arena& a, const ConfirmCdrsRequest& in, g::_ochp__ConfirmCDRsRequest& out) {
  out.approved = enc_all<g::ochp__CdrConfirmation>(a, in.approved);
  out.declined = enc_all<g::ochp__CdrConfirmation>(a, in.declined);
}
void encode(Arena& a, const ConfirmCdrsResponse& in, g::_ochp__ConfirmCDRsResponse& out) {
  out.result = to_g(a, in.result);
}

UpdateTariffsRequest decode(Decoder& d, const g::_ochp__UpdateTariffsRequest& in) {
  return {dec_all<TariffInfo>(d, in.TariffInfoArray)};
}
UpdateTariffsResponse decode(Decoder& d, const g::_ochp__UpdateTariffsResponse& in) {
  return {from_g(d, in.result), dec_all<TariffInfo>(d, in.refusedTariffInfo)};
}
void encode(Arena& a, const UpdateTariffsRequest& in, g::_ochp__UpdateTariffsRequest& out) {
  out.TariffInfoArray = enc_all<g::ochp__TariffInfo>(a, in.tariff_info_array);
}
void encode(Arena& a, const UpdateTariffsResponse& in, g::_ochp__UpdateTariffsResponse& out) {
  out.result = to_g(a, in.result);
  out.refusedTariffInfo = enc_all<g::ochp__TariffInfo>(a, in.refused_tariff_info);
}

GetTariffUpdatesRequest decode(Decoder& d, const g::_ochp__GetTariffUpdatesRequest& in) {
  return {date_time(d, in.lastUpdate, "lastUpdate")};
}
GetTariffUpdatesResponse decode(Decoder& d, const g::_ochp__GetTariffUpdatesResponse& in) {
  return {from_g(d, in.result), dec_all<TariffInfo>(d, in.TariffInfoArray)};
}
void encode(Arena& a, const GetTariffUpdatesRequest& in, g::_ochp__GetTariffUpdatesRequest& out) {
  out.lastUpdate = dt(a, in.last_update);
}
void encode(Arena& a, const GetTariffUpdatesResponse& in, g::_ochp__GetTariffUpdatesResponse& out) {
  out.result = to_g(a, in.result);
  out.TariffInfoArray = enc_all<g::ochp__TariffInfo>(a, in.tariff_info_array);
}

UpdateStatusRequest decode(Decoder& d, const g::_ochp__UpdateStatusRequest& in) {
  return {dec_all<EvseStatus>(d, in.evse), dec_all<ParkingStatus>(d, in.parking), date_time(d, in.ttl, "ttl")};
}
UpdateStatusResponse decode(Decoder& d, const g::_ochp__UpdateStatusResponse& in) {
  return {from_g(d, in.result)};
}
void encode(Arena& a, const UpdateStatusRequest& in, g::_ochp__UpdateStatusRequest& out) {
  out.evse = enc_all<g::ochp__EvseStatusType>(a, in.evse);
  out.parking = enc_all<g::ochp__ParkingStatusType>(a, in.parking);
  out.ttl = dt(a, in.ttl);
}
void encode(Arena& a, const UpdateStatusResponse& in, g::_ochp__UpdateStatusResponse& out) {
  out.result = to_g(a, in.result);
}

GetStatusRequest decode(Decoder& d, const g::_ochp__GetStatusRequest& in) {
  return {date_time(d, in.startDateTime, "startDateTime"), check(d, in.statusType, kStatusType, "statusType")};
}
GetStatusResponse decode(Decoder& d, const g::_ochp__GetStatusResponse& in) {
  GetStatusResponse out{dec_all<EvseStatus>(d, in.combined), dec_all<EvseStatus>(d, in.evse),
                        dec_all<ParkingStatus>(d, in.parking)};
  const int branches = static_cast<int>(!in.combined.empty()) + static_cast<int>(!in.evse.empty()) +
                       static_cast<int>(!in.parking.empty());
  if (branches > 1) {
    d.fail("GetStatusResponse: combined, evse and parking are a choice");
  }
  return out;
}
void encode(Arena& a, const GetStatusRequest& in, g::_ochp__GetStatusRequest& out) {
  out.startDateTime = dt(a, in.start_date_time);
  out.statusType = ptr(a, in.status_type);
}
void encode(Arena& a, const GetStatusResponse& in, g::_ochp__GetStatusResponse& out) {
  if (!in.combined.empty()) {
    out.combined = enc_all<g::ochp__EvseStatusType>(a, in.combined);
  } else if (!in.evse.empty()) {
    out.evse = enc_all<g::ochp__EvseStatusType>(a, in.evse);
  } else {
    out.parking = enc_all<g::ochp__ParkingStatusType>(a, in.parking);
  }
}

AddServiceEndpointsRequest decode(Decoder& d, const g::_ochp__AddServiceEndpointsRequest& in) {
  return {dec_all<DirectEndpoint>(d, in.providerEndpointArray), dec_all<DirectEndpoint>(d, in.operatorEndpointArray)};
}
AddServiceEndpointsResponse decode(Decoder& d, const g::_ochp__AddServiceEndpointsResponse& in) {
  return {from_g(d, in.result)};
}
void encode(Arena&, const AddServiceEndpointsRequest& in, g::_ochp__AddServiceEndpointsRequest& out) {
  out.providerEndpointArray = endpoints_to_g<PRV>(in.provider_endpoint_array);
  out.operatorEndpointArray = endpoints_to_g<ORV>(in.operator_endpoint_array);
}
void encode(Arena& a, const AddServiceEndpointsResponse& in, g::_ochp__AddServiceEndpointsResponse& out) {
  out.result = to_g(a, in.result);
}

GetServiceEndpointsRequest decode(Decoder&, const g::_ochp__GetServiceEndpointsRequest&) {
  return {};
}
GetServiceEndpointsResponse decode(Decoder& d, const g::_ochp__GetServiceEndpointsResponse& in) {
  return {from_g(d, in.result), dec_all<DirectEndpoint>(d, in.providerEndpointArray),
          dec_all<DirectEndpoint>(d, in.operatorEndpointArray)};
}
void encode(Arena&, const GetServiceEndpointsRequest&, g::_ochp__GetServiceEndpointsRequest&) {}
void encode(Arena& a, const GetServiceEndpointsResponse& in, g::_ochp__GetServiceEndpointsResponse& out) {
  out.result = to_g(a, in.result);
  out.providerEndpointArray = endpoints_to_g<PRV>(in.provider_endpoint_array);
  out.operatorEndpointArray = endpoints_to_g<ORV>(in.operator_endpoint_array);
}

}  // namespace hub::ochp::detail
