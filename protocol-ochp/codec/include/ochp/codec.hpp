// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <hub/core/error.hpp>
#include <hub/model/types.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

/// OCHP 1.4 (and the clearing-house part of OCHPdirect 0.2) SOAP 1.1 codec: envelope bytes <->
/// plain C++ message structs. The structs mirror the XSD one to one (every element, every
/// optional field, schema order), with snake_case names; mapping to hub::model Location / Cdr /
/// Token belongs to the translation layer. gSOAP stays behind this header.
///
/// Field conventions:
/// * DateTimeType fields are strings "YYYY-MM-DDThh:mm:ssZ", LocalDateTimeType fields
///   "YYYY-MM-DDThh:mm:ss+hh:mm" (checked on decode); the <DateTime>/<LocalDateTime> wrapper
///   elements are handled by the codec.
/// * Wrapped enumerations (<status><CdrStatusType>new</CdrStatusType></status>) are plain strings
///   holding the XSD value ("new", "IEC_62196_T2", "not-available"); decode rejects values the
///   XSD does not list.
/// * xs:float values are model::Decimal: the exact text is kept (0.1 stays 0.1); an exponent
///   form ("1E2") is refused on decode.
///
/// Thread safety: all functions are pure and reentrant (one gSOAP context per call).
namespace hub::ochp {

using model::Decimal;

// ------------------------------------------------------------------ data types

/// EmtId: a token. `representation` is "plain" (the XSD default), "sha-160" or "sha-256".
struct EmtId {
  std::string instance;                       ///< 1..512 chars
  std::string token_type;                     ///< rfid | remote | 15118
  std::optional<std::string> token_sub_type;  ///< mifareCls | mifareDes | calypso
  std::string representation = "plain";       ///< attribute; "plain" is not written
  bool operator==(const EmtId&) const = default;
};

/// ConnectorType: standard + format (+ tariff id).
struct ConnectorType {
  std::string connector_standard;        ///< ConnectorStandard value, e.g. IEC_62196_T2
  std::string connector_format;          ///< Socket | Cable
  std::optional<std::string> tariff_id;  ///< TariffId
  bool operator==(const ConnectorType&) const = default;
};

/// RatingsType (kW / V).
struct Ratings {
  Decimal maximum_power;
  std::optional<Decimal> guaranteed_power;
  std::optional<int> nominal_voltage;  ///< 1..1000
  bool operator==(const Ratings&) const = default;
};

/// ParkingSpotInfo.
struct ParkingSpotInfo {
  std::string parking_id;
  std::vector<std::string> restriction;  ///< RestrictionType values
  std::optional<std::string> floor_level;
  std::optional<std::string> parking_spot_number;
  bool operator==(const ParkingSpotInfo&) const = default;
};

/// CdrPeriodType: one bill line.
struct CdrPeriod {
  std::string start_date_time;  ///< LocalDateTimeType
  std::string end_date_time;    ///< LocalDateTimeType
  std::string billing_item;     ///< parkingtime | usagetime | energy | power | serviceFee | reservation | reservationtime
  Decimal billing_value;
  Decimal item_price;
  std::optional<Decimal> period_cost;
  std::optional<int> taxrate;
  bool operator==(const CdrPeriod&) const = default;
};

/// GeoPointType: WGS84 attributes as text with six decimals ("52.520008").
struct GeoPoint {
  std::string lat;
  std::string lon;
  bool operator==(const GeoPoint&) const = default;
};

/// AdditionalGeoPointType.
struct AdditionalGeoPoint {
  std::string lat;
  std::string lon;
  std::optional<std::string> name;
  std::string type;  ///< entrance | exit | access | ui | other
  bool operator==(const AdditionalGeoPoint&) const = default;
};

/// RegularHoursType.
struct RegularHours {
  int weekday = 1;           ///< 1 = Monday .. 7 = Sunday
  std::string period_begin;  ///< "HH:MM"
  std::string period_end;    ///< "HH:MM"
  bool operator==(const RegularHours&) const = default;
};

/// ExceptionalPeriodType (UTC DateTimeType both ends).
struct ExceptionalPeriod {
  std::string period_begin;
  std::string period_end;
  bool operator==(const ExceptionalPeriod&) const = default;
};

/// HoursType. The XSD choice: either `regular_hours` (1..7) or `twentyfourseven`; when both are
/// set the encoder writes regular_hours only.
struct Hours {
  std::vector<RegularHours> regular_hours;
  std::optional<bool> twentyfourseven;
  std::vector<ExceptionalPeriod> exceptional_openings;
  std::vector<ExceptionalPeriod> exceptional_closings;
  bool closed_charging = false;
  bool operator==(const Hours&) const = default;
};

/// ChargePointScheduleType.
struct ChargePointSchedule {
  std::string start_date;                ///< DateTimeType
  std::optional<std::string> end_date;   ///< DateTimeType
  std::string status;                    ///< ChargePointStatusType value
  bool operator==(const ChargePointSchedule&) const = default;
};

/// AddressType.
struct Address {
  std::optional<std::string> house_number;
  std::string address;
  std::string city;
  std::string zip_code;
  std::string country;  ///< ISO 3166-1 alpha-3
  bool operator==(const Address&) const = default;
};

/// EvseImageUrlType.
struct EvseImageUrl {
  std::string uri;
  std::optional<std::string> thumb_uri;
  std::string image_class;  ///< XSD element "class"
  std::string type;         ///< e.g. "png"
  std::optional<int> width;
  std::optional<int> height;
  bool operator==(const EvseImageUrl&) const = default;
};

/// RelatedResourceType.
struct RelatedResource {
  std::string uri;
  std::string resource_class;  ///< XSD element "class"
  bool operator==(const RelatedResource&) const = default;
};

/// PriceComponentType.
struct PriceComponent {
  std::string billing_item;
  Decimal item_price;
  Decimal step_size;
  bool operator==(const PriceComponent&) const = default;
};

/// TariffRestrictionType (everything optional; may be empty).
struct TariffRestriction {
  std::vector<RegularHours> regular_hours;  ///< 0..14
  std::optional<std::string> start_date_time;
  std::optional<std::string> end_date_time;
  std::optional<Decimal> min_energy;
  std::optional<Decimal> max_energy;
  std::optional<Decimal> min_power;
  std::optional<Decimal> max_power;
  std::optional<int> min_duration;
  std::optional<int> max_duration;
  bool operator==(const TariffRestriction&) const = default;
};

/// TariffElementType.
struct TariffElement {
  PriceComponent price_component;
  TariffRestriction tariff_restriction;
  bool operator==(const TariffElement&) const = default;
};

/// IndividualTariffType.
struct IndividualTariff {
  std::vector<TariffElement> tariff_element;  ///< 1..n
  std::vector<std::string> recipient;         ///< provider ids without separator
  std::string currency;                       ///< ISO 4217
  bool operator==(const IndividualTariff&) const = default;
};

/// RoamingAuthorisationInfo (whitelist entry).
struct RoamingAuthorisationInfo {
  EmtId emt_id;  ///< XSD element "EmtId"
  std::string contract_id;
  std::optional<std::string> printed_number;
  std::string expiry_date;  ///< DateTimeType
  bool operator==(const RoamingAuthorisationInfo&) const = default;
};

/// CDRInfo.
struct CdrInfo {
  std::string cdr_id;  ///< XSD element "CdrId"
  std::string evse_id;
  EmtId emt_id;
  std::string contract_id;
  std::string status;           ///< CdrStatusType value
  std::string start_date_time;  ///< LocalDateTimeType
  std::string end_date_time;    ///< LocalDateTimeType
  std::optional<std::string> duration;  ///< "hhh:mm:ss"
  Address charge_point_address;
  std::string charge_point_type;  ///< AC | DC
  ConnectorType connector_type;
  std::optional<Ratings> ratings;
  std::optional<std::string> meter_id;
  std::vector<CdrPeriod> charging_periods;  ///< 1..n
  std::optional<Decimal> total_cost;
  std::string currency;
  bool operator==(const CdrInfo&) const = default;
};

/// ChargePointInfo: static POI data of one EVSE.
struct ChargePointInfo {
  std::string evse_id;
  std::string location_id;
  std::optional<std::string> timestamp;  ///< DateTimeType
  std::string location_name;
  std::string location_name_lang;
  std::vector<EvseImageUrl> images;
  std::vector<RelatedResource> related_resource;
  Address charge_point_address;
  GeoPoint charge_point_location;
  std::vector<AdditionalGeoPoint> related_location;
  std::optional<std::string> time_zone;
  std::optional<Hours> opening_times;
  std::optional<std::string> status;  ///< ChargePointStatusType value
  std::vector<ChargePointSchedule> status_schedule;
  std::optional<std::string> telephone_number;
  std::string location;  ///< GeneralLocationType value
  std::vector<ParkingSpotInfo> parking_spot;
  std::vector<std::string> restriction;   ///< RestrictionType values
  std::vector<std::string> auth_methods;  ///< AuthMethodType values, 1..n
  std::vector<ConnectorType> connectors;  ///< 1..n
  std::string charge_point_type;          ///< AC | DC
  std::optional<Ratings> ratings;
  std::vector<std::string> user_interface_lang;
  std::optional<int> max_reservation;  ///< minutes, 1..1000
  bool operator==(const ChargePointInfo&) const = default;
};

/// TariffInfo.
struct TariffInfo {
  std::string tariff_id;
  std::vector<IndividualTariff> individual_tariff;  ///< 1..n
  bool operator==(const TariffInfo&) const = default;
};

/// EvseStatusType (live status).
struct EvseStatus {
  std::string evse_id;
  std::string major;                ///< available | not-available | unknown
  std::optional<std::string> minor;  ///< available | reserved | charging | blocked | outoforder
  std::optional<std::string> ttl;    ///< xs:dateTime text
  bool operator==(const EvseStatus&) const = default;
};

/// ParkingStatusType (live status).
struct ParkingStatus {
  std::string parking_id;
  std::string status;              ///< available | not-available | unknown
  std::optional<std::string> ttl;  ///< xs:dateTime text
  bool operator==(const ParkingStatus&) const = default;
};

/// Result: resultCode + resultDescription (absent description is written as xsi:nil).
struct ResultInfo {
  std::string code = "ok";  ///< ok | partly | not-authorized | invalid-id | server | format | roaming
  std::optional<std::string> description;
  bool operator==(const ResultInfo&) const = default;
};

/// ConfirmCDRsRequest/approved|declined entry.
struct CdrConfirmation {
  std::string cdr_id;
  std::string evse_id;
  bool operator==(const CdrConfirmation&) const = default;
};

/// OCHPdirect ProviderEndpoint / OperatorEndpoint (DirectEndpoint + white/blacklist). For a
/// provider endpoint the lists hold ContractPatterns, for an operator endpoint EvsePatterns.
struct DirectEndpoint {
  std::string url;            ///< https://…
  std::string namespace_url;  ///< http://ochp.eu/1.3 | http://ochp.eu/1.4
  std::string access_token;
  std::string valid_date;     ///< YYYY-MM-DD
  std::vector<std::string> whitelist;  ///< 1..n
  std::vector<std::string> blacklist;
  bool operator==(const DirectEndpoint&) const = default;
};

// ------------------------------------------------------------------ messages

/// SetChargepointList (SetChargePointListRequest).
struct SetChargePointListRequest {
  std::vector<ChargePointInfo> charge_point_info_array;
  bool operator==(const SetChargePointListRequest&) const = default;
};
/// SetChargePointListResponse.
struct SetChargePointListResponse {
  ResultInfo result;
  std::vector<ChargePointInfo> refused_charge_point_info;
  bool operator==(const SetChargePointListResponse&) const = default;
};
/// UpdateChargePointListRequest.
struct UpdateChargePointListRequest {
  std::vector<ChargePointInfo> charge_point_info_array;
  bool operator==(const UpdateChargePointListRequest&) const = default;
};
/// UpdateChargePointListResponse.
struct UpdateChargePointListResponse {
  ResultInfo result;
  std::vector<ChargePointInfo> refused_charge_point_info;
  bool operator==(const UpdateChargePointListResponse&) const = default;
};
/// GetChargePointListRequest (empty).
struct GetChargePointListRequest {
  bool operator==(const GetChargePointListRequest&) const = default;
};
/// GetChargePointListResponse.
struct GetChargePointListResponse {
  ResultInfo result;
  std::vector<ChargePointInfo> charge_point_info_array;
  bool operator==(const GetChargePointListResponse&) const = default;
};
/// GetChargePointListUpdatesRequest.
struct GetChargePointListUpdatesRequest {
  std::string last_update;  ///< DateTimeType
  bool operator==(const GetChargePointListUpdatesRequest&) const = default;
};
/// GetChargePointListUpdatesResponse.
struct GetChargePointListUpdatesResponse {
  ResultInfo result;
  std::vector<ChargePointInfo> charge_point_info_array;
  bool operator==(const GetChargePointListUpdatesResponse&) const = default;
};

/// SetRoamingAuthorisationListRequest.
struct SetRoamingAuthorisationListRequest {
  std::vector<RoamingAuthorisationInfo> roaming_authorisation_info_array;
  bool operator==(const SetRoamingAuthorisationListRequest&) const = default;
};
/// SetRoamingAuthorisationListResponse.
struct SetRoamingAuthorisationListResponse {
  ResultInfo result;
  std::vector<RoamingAuthorisationInfo> refused_roaming_authorisation_info;
  bool operator==(const SetRoamingAuthorisationListResponse&) const = default;
};
/// UpdateRoamingAuthorisationListRequest.
struct UpdateRoamingAuthorisationListRequest {
  std::vector<RoamingAuthorisationInfo> roaming_authorisation_info_array;
  bool operator==(const UpdateRoamingAuthorisationListRequest&) const = default;
};
/// UpdateRoamingAuthorisationListResponse.
struct UpdateRoamingAuthorisationListResponse {
  ResultInfo result;
  std::vector<RoamingAuthorisationInfo> refused_roaming_authorisation_info;
  bool operator==(const UpdateRoamingAuthorisationListResponse&) const = default;
};
/// GetRoamingAuthorisationListRequest (empty).
struct GetRoamingAuthorisationListRequest {
  bool operator==(const GetRoamingAuthorisationListRequest&) const = default;
};
/// GetRoamingAuthorisationListResponse.
struct GetRoamingAuthorisationListResponse {
  ResultInfo result;
  std::vector<RoamingAuthorisationInfo> roaming_authorisation_info_array;
  bool operator==(const GetRoamingAuthorisationListResponse&) const = default;
};
/// GetRoamingAuthorisationListUpdatesRequest.
struct GetRoamingAuthorisationListUpdatesRequest {
  std::string last_update;  ///< DateTimeType
  bool operator==(const GetRoamingAuthorisationListUpdatesRequest&) const = default;
};
/// GetRoamingAuthorisationListUpdatesResponse (element "roamingAuthorisationInfo", no "Array").
struct GetRoamingAuthorisationListUpdatesResponse {
  ResultInfo result;
  std::vector<RoamingAuthorisationInfo> roaming_authorisation_info;
  bool operator==(const GetRoamingAuthorisationListUpdatesResponse&) const = default;
};
/// GetSingleRoamingAuthorisationRequest.
struct GetSingleRoamingAuthorisationRequest {
  EmtId emt_id;
  bool operator==(const GetSingleRoamingAuthorisationRequest&) const = default;
};
/// GetSingleRoamingAuthorisationResponse.
struct GetSingleRoamingAuthorisationResponse {
  ResultInfo result;
  std::optional<RoamingAuthorisationInfo> roaming_authorisation_info;
  bool operator==(const GetSingleRoamingAuthorisationResponse&) const = default;
};

/// AddCDRsRequest.
struct AddCdrsRequest {
  std::vector<CdrInfo> cdr_info_array;
  bool operator==(const AddCdrsRequest&) const = default;
};
/// AddCDRsResponse.
struct AddCdrsResponse {
  ResultInfo result;
  std::vector<std::string> implausible_cdrs_array;  ///< CdrIds
  bool operator==(const AddCdrsResponse&) const = default;
};
/// CheckCDRsRequest.
struct CheckCdrsRequest {
  std::optional<std::string> cdr_status;  ///< CdrStatusType value
  bool operator==(const CheckCdrsRequest&) const = default;
};
/// CheckCDRsResponse.
struct CheckCdrsResponse {
  ResultInfo result;
  std::vector<CdrInfo> cdr_info_array;
  bool operator==(const CheckCdrsResponse&) const = default;
};
/// GetCDRsRequest.
struct GetCdrsRequest {
  std::optional<std::string> cdr_status;  ///< CdrStatusType value
  bool operator==(const GetCdrsRequest&) const = default;
};
/// GetCDRsResponse.
struct GetCdrsResponse {
  ResultInfo result;
  std::vector<CdrInfo> cdr_info_array;
  bool operator==(const GetCdrsResponse&) const = default;
};
/// ConfirmCDRsRequest.
struct ConfirmCdrsRequest {
  std::vector<CdrConfirmation> approved;
  std::vector<CdrConfirmation> declined;
  bool operator==(const ConfirmCdrsRequest&) const = default;
};
/// ConfirmCDRsResponse.
struct ConfirmCdrsResponse {
  ResultInfo result;
  bool operator==(const ConfirmCdrsResponse&) const = default;
};

/// UpdateTariffsRequest (element "TariffInfoArray").
struct UpdateTariffsRequest {
  std::vector<TariffInfo> tariff_info_array;
  bool operator==(const UpdateTariffsRequest&) const = default;
};
/// UpdateTariffsResponse.
struct UpdateTariffsResponse {
  ResultInfo result;
  std::vector<TariffInfo> refused_tariff_info;
  bool operator==(const UpdateTariffsResponse&) const = default;
};
/// GetTariffUpdatesRequest.
struct GetTariffUpdatesRequest {
  std::optional<std::string> last_update;  ///< DateTimeType
  bool operator==(const GetTariffUpdatesRequest&) const = default;
};
/// GetTariffUpdatesResponse (element "TariffInfoArray").
struct GetTariffUpdatesResponse {
  ResultInfo result;
  std::vector<TariffInfo> tariff_info_array;
  bool operator==(const GetTariffUpdatesResponse&) const = default;
};

/// UpdateStatusRequest (live binding).
struct UpdateStatusRequest {
  std::vector<EvseStatus> evse;
  std::vector<ParkingStatus> parking;
  std::optional<std::string> ttl;  ///< DateTimeType, default ttl for all entries
  bool operator==(const UpdateStatusRequest&) const = default;
};
/// UpdateStatusResponse.
struct UpdateStatusResponse {
  ResultInfo result;
  bool operator==(const UpdateStatusResponse&) const = default;
};
/// GetStatusRequest (live binding).
struct GetStatusRequest {
  std::optional<std::string> start_date_time;  ///< DateTimeType
  std::optional<std::string> status_type;      ///< evse (default) | parking | combined
  bool operator==(const GetStatusRequest&) const = default;
};
/// GetStatusResponse: an XSD choice without a result element. The encoder writes the first
/// non-empty list in the order combined, evse, parking (an all-empty response is written empty).
struct GetStatusResponse {
  std::vector<EvseStatus> combined;
  std::vector<EvseStatus> evse;
  std::vector<ParkingStatus> parking;
  bool operator==(const GetStatusResponse&) const = default;
};

/// AddServiceEndpointsRequest (OCHPdirect CH binding, namespace http://ochp.eu/1.4).
struct AddServiceEndpointsRequest {
  std::vector<DirectEndpoint> provider_endpoint_array;
  std::vector<DirectEndpoint> operator_endpoint_array;
  bool operator==(const AddServiceEndpointsRequest&) const = default;
};
/// AddServiceEndpointsResponse.
struct AddServiceEndpointsResponse {
  ResultInfo result;
  bool operator==(const AddServiceEndpointsResponse&) const = default;
};
/// GetServiceEndpointsRequest (empty).
struct GetServiceEndpointsRequest {
  bool operator==(const GetServiceEndpointsRequest&) const = default;
};
/// GetServiceEndpointsResponse.
struct GetServiceEndpointsResponse {
  ResultInfo result;
  std::vector<DirectEndpoint> provider_endpoint_array;
  std::vector<DirectEndpoint> operator_endpoint_array;
  bool operator==(const GetServiceEndpointsResponse&) const = default;
};

/// Every request the codec understands; the index order matches Operation.
using Request = std::variant<SetChargePointListRequest, UpdateChargePointListRequest, GetChargePointListRequest,
                             GetChargePointListUpdatesRequest, SetRoamingAuthorisationListRequest,
                             UpdateRoamingAuthorisationListRequest, GetRoamingAuthorisationListRequest,
                             GetRoamingAuthorisationListUpdatesRequest, GetSingleRoamingAuthorisationRequest,
                             AddCdrsRequest, CheckCdrsRequest, GetCdrsRequest, ConfirmCdrsRequest,
                             UpdateTariffsRequest, GetTariffUpdatesRequest, UpdateStatusRequest, GetStatusRequest,
                             AddServiceEndpointsRequest, GetServiceEndpointsRequest>;

/// Every response the codec understands; the index order matches Operation.
using Response = std::variant<SetChargePointListResponse, UpdateChargePointListResponse, GetChargePointListResponse,
                              GetChargePointListUpdatesResponse, SetRoamingAuthorisationListResponse,
                              UpdateRoamingAuthorisationListResponse, GetRoamingAuthorisationListResponse,
                              GetRoamingAuthorisationListUpdatesResponse, GetSingleRoamingAuthorisationResponse,
                              AddCdrsResponse, CheckCdrsResponse, GetCdrsResponse, ConfirmCdrsResponse,
                              UpdateTariffsResponse, GetTariffUpdatesResponse, UpdateStatusResponse,
                              GetStatusResponse, AddServiceEndpointsResponse, GetServiceEndpointsResponse>;

/// The WSDL operations; the value is the index into Request and Response.
enum class Operation : std::size_t {
  set_charge_point_list,
  update_charge_point_list,
  get_charge_point_list,
  get_charge_point_list_updates,
  set_roaming_authorisation_list,
  update_roaming_authorisation_list,
  get_roaming_authorisation_list,
  get_roaming_authorisation_list_updates,
  get_single_roaming_authorisation,
  add_cdrs,
  check_cdrs,
  get_cdrs,
  confirm_cdrs,
  update_tariffs,
  get_tariff_updates,
  update_status,
  get_status,
  add_service_endpoints,
  get_service_endpoints,
};

/// Number of operations.
inline constexpr std::size_t kOperationCount = 19;

/// The operation of a request / response.
Operation operation_of(const Request& request) noexcept;
/// The operation of a response.
Operation operation_of(const Response& response) noexcept;
/// WSDL operation name, e.g. "SetChargepointList" (sic), "GetStatus".
std::string_view operation_name(Operation op) noexcept;
/// The SOAPAction the WSDL binding declares, e.g. "http://ochp.eu/1.4/AddCDRs",
/// "http://ochp.e-clearing.net/service/UpdateStatus", "http://ochp.eu/direct/0.2/GetServiceEndpoints".
std::string_view soap_action(Operation op) noexcept;
/// Local name of the request body element, e.g. "SetChargePointListRequest".
std::string_view request_element(Operation op) noexcept;
/// Local name of the response body element, e.g. "SetChargePointListResponse".
std::string_view response_element(Operation op) noexcept;

/// WS-Security 1.0 UsernameToken from the SOAP header.
struct UsernameToken {
  std::string username;
  std::string password;
  /// wsse:Password/@Type; empty when absent (PasswordText is the WS-Security default).
  std::string password_type;
  std::optional<std::string> nonce;    ///< wsse:Nonce text (base64), when sent
  std::optional<std::string> created;  ///< wsu:Created, when sent
  /// True when the password is plain text (Type absent or …#PasswordText).
  bool is_password_text() const noexcept;
  bool operator==(const UsernameToken&) const = default;
};

/// The PasswordText type URI.
inline constexpr std::string_view kPasswordTextType =
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText";

/// A decoded request envelope.
struct Envelope {
  std::optional<UsernameToken> security;  ///< absent when the header carries no UsernameToken
  Request request;
};

/// Decoder limits. Exceeding one is an error, never a truncation.
struct Limits {
  std::size_t max_envelope_bytes = 32 * 1024 * 1024;  ///< whole envelope; GetChargePointList can be large
  unsigned max_depth = 32;                             ///< XML element nesting (OCHP needs < 12)
  std::size_t max_occurs = 200000;                     ///< elements in one repeated list
  std::size_t max_string_length = 1024 * 1024;         ///< one text or attribute value
};

/// Decodes a SOAP 1.1 request envelope held in memory. The operation is identified by the
/// QName of the first Body child (SOAPAction is not consulted). Errors (never throws):
/// * payload_too_large: envelope, nesting depth, a list or a string beyond `limits`;
/// * malformed_body: not well-formed XML, a DOCTYPE / entity declaration, not a SOAP envelope;
/// * unsupported_version: a SOAP 1.2 envelope, or a body element in another OCHP namespace
///   (e.g. http://ochp.eu/1.3);
/// * invalid_request: unknown body element, unknown or missing child elements, values outside
///   the XSD enumerations, malformed DateTime / decimal text, a mustUnderstand header we do
///   not understand.
Result<Envelope> parse_request(std::string_view xml, const Limits& limits = {});

/// Encodes a response as a SOAP 1.1 envelope (no header).
std::string serialize_response(const Response& response);

/// SOAP 1.1 fault codes.
enum class FaultCode {
  client,            ///< SOAP-ENV:Client: the request was at fault
  server,            ///< SOAP-ENV:Server: our failure, the request may be retried
  version_mismatch,  ///< SOAP-ENV:VersionMismatch
  must_understand,   ///< SOAP-ENV:MustUnderstand
};

/// The fault code for an Errc (client errors -> client, retryable/server errors -> server,
/// unsupported_version -> version_mismatch).
FaultCode fault_code_for(Errc e) noexcept;

/// Encodes a SOAP 1.1 Fault envelope with `message` as faultstring (escaped).
std::string serialize_fault(FaultCode code, std::string_view message);

/// Encodes a request as a SOAP 1.1 envelope, with a wsse:Security UsernameToken header
/// (PasswordText, mustUnderstand="1") when `security` is given. Client side and tests.
std::string serialize_request(const Request& request, const std::optional<UsernameToken>& security = std::nullopt);

/// A decoded SOAP fault.
struct Fault {
  std::string code;    ///< faultcode text, e.g. "SOAP-ENV:Client"
  std::string message; ///< faultstring
};

/// Decodes a SOAP 1.1 response envelope (client side and tests). A SOAP Fault yields
/// upstream_permanent (Client fault) or upstream_retryable (Server fault); when `fault` is
/// given it receives the fault text. Other errors as for parse_request.
Result<Response> parse_response(std::string_view xml, const Limits& limits = {}, Fault* fault = nullptr);

}  // namespace hub::ochp
