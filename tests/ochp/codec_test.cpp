// SPDX-License-Identifier: GPL-2.0-or-later
// OCHP codec: round trips of every request / response, schema validation of every serialized
// message against the official (locally patched) XSD, and hostile input.
#include <ochp/codec.hpp>

#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace hub::ochp {
namespace {

namespace fs = std::filesystem;

Decimal dec(std::string_view s) {
  auto d = Decimal::parse(s);
  EXPECT_TRUE(d.has_value()) << s;
  return d.value_or(Decimal{});
}

// ------------------------------------------------------------------ sample data (every field set)

EmtId sample_emt_id() {
  return EmtId{"0A1B2C3D", "rfid", "mifareCls", "sha-256"};
}

Address sample_address() {
  return Address{"12A", "Musterstrasse 12", "Berlin", "10115", "DEU"};
}

RegularHours sample_hours(int day) {
  return RegularHours{day, "08:00", "20:00"};
}

ChargePointInfo sample_charge_point(bool twentyfourseven = false) {
  ChargePointInfo cp;
  cp.evse_id = "DE*ABC*E123456";
  cp.location_id = "LOC 1";
  cp.timestamp = "2024-05-01T10:00:00Z";
  cp.location_name = "Parkhaus M\xc3\xbcnchen <Mitte> & Co";  // UTF-8 and markup characters
  cp.location_name_lang = "DEU";
  cp.images.push_back(EvseImageUrl{"https://example.com/a.png", "https://example.com/t.png", "stationPhoto", "png",
                                   640, 480});
  cp.related_resource.push_back(RelatedResource{"https://example.com/info", "stationInfo"});
  cp.charge_point_address = sample_address();
  cp.charge_point_location = GeoPoint{"52.520008", "13.404954"};
  cp.related_location.push_back(AdditionalGeoPoint{"52.520100", "13.405000", "Main entrance", "entrance"});
  cp.time_zone = "Europe/Berlin";
  Hours hours;
  if (twentyfourseven) {
    hours.twentyfourseven = true;
  } else {
    hours.regular_hours = {sample_hours(1), sample_hours(2)};
  }
  hours.exceptional_openings.push_back(ExceptionalPeriod{"2024-12-24T08:00:00Z", "2024-12-24T12:00:00Z"});
  hours.exceptional_closings.push_back(ExceptionalPeriod{"2024-12-25T00:00:00Z", "2024-12-26T00:00:00Z"});
  hours.closed_charging = true;
  cp.opening_times = hours;
  cp.status = "Operative";
  cp.status_schedule.push_back(ChargePointSchedule{"2024-06-01T00:00:00Z", "2024-06-02T00:00:00Z", "Inoperative"});
  cp.telephone_number = "+49 30 1234567";
  cp.location = "parking-garage";
  cp.parking_spot.push_back(ParkingSpotInfo{"DE*ABC*P123", {"evonly", "disabled"}, "-1", "42"});
  cp.restriction = {"customers"};
  cp.auth_methods = {"RfidMifareCls", "OchpDirectAuth"};
  cp.connectors.push_back(ConnectorType{"IEC_62196_T2", "Socket", "DE*ABC*T1"});
  cp.connectors.push_back(ConnectorType{"IEC_62196_T2_COMBO", "Cable", std::nullopt});
  cp.charge_point_type = "AC";
  cp.ratings = Ratings{dec("22.0"), dec("11.1"), 400};
  cp.user_interface_lang = {"DEU", "ENG"};
  cp.max_reservation = 30;
  return cp;
}

ChargePointInfo minimal_charge_point() {
  ChargePointInfo cp;
  cp.evse_id = "DEABCE1";
  cp.location_id = "L";
  cp.location_name = "X";
  cp.location_name_lang = "DEU";
  cp.charge_point_address = Address{std::nullopt, "Street", "City", "1", "DEU"};
  cp.charge_point_location = GeoPoint{"-1.000000", "-100.000000"};
  cp.location = "on-street";
  cp.auth_methods = {"Public"};
  cp.connectors.push_back(ConnectorType{"Chademo", "Cable", std::nullopt});
  cp.charge_point_type = "DC";
  return cp;
}

RoamingAuthorisationInfo sample_token() {
  return RoamingAuthorisationInfo{sample_emt_id(), "DE-8AA-CA2B3C4D5-L", "1234 5678", "2030-01-01T00:00:00Z"};
}

RoamingAuthorisationInfo minimal_token() {
  return RoamingAuthorisationInfo{EmtId{"ABCDEF", "15118", std::nullopt, "plain"}, "DE8AACA2B3C4D5", std::nullopt,
                                  "2030-01-01T00:00:00Z"};
}

CdrInfo sample_cdr() {
  CdrInfo c;
  c.cdr_id = "DEABC0001";
  c.evse_id = "DE*ABC*E123456";
  c.emt_id = sample_emt_id();
  c.contract_id = "DE-8AA-CA2B3C4D5-L";
  c.status = "new";
  c.start_date_time = "2024-05-01T10:00:00+02:00";
  c.end_date_time = "2024-05-01T11:30:00+02:00";
  c.duration = "001:30:00";
  c.charge_point_address = sample_address();
  c.charge_point_type = "AC";
  c.connector_type = ConnectorType{"IEC_62196_T2", "Socket", "DE*ABC*T1"};
  c.ratings = Ratings{dec("22"), std::nullopt, std::nullopt};
  c.meter_id = "METER-1";
  c.charging_periods.push_back(CdrPeriod{"2024-05-01T10:00:00+02:00", "2024-05-01T11:30:00+02:00", "energy",
                                         dec("12.345"), dec("0.1"), dec("1.2345"), 19});
  c.charging_periods.push_back(CdrPeriod{"2024-05-01T10:00:00+02:00", "2024-05-01T11:30:00+02:00", "serviceFee",
                                         dec("1"), dec("0.50"), std::nullopt, std::nullopt});
  c.total_cost = dec("1.7345");
  c.currency = "EUR";
  return c;
}

TariffInfo sample_tariff() {
  TariffInfo t;
  t.tariff_id = "DE*ABC*T1";
  IndividualTariff it;
  TariffElement e;
  e.price_component = PriceComponent{"energy", dec("0.1"), dec("1")};
  e.tariff_restriction.regular_hours = {sample_hours(1), sample_hours(6)};
  e.tariff_restriction.start_date_time = "2024-01-01T00:00:00Z";
  e.tariff_restriction.end_date_time = "2025-01-01T00:00:00Z";
  e.tariff_restriction.min_energy = dec("0.5");
  e.tariff_restriction.max_energy = dec("100");
  e.tariff_restriction.min_power = dec("3.7");
  e.tariff_restriction.max_power = dec("22");
  e.tariff_restriction.min_duration = 60;
  e.tariff_restriction.max_duration = 7200;
  it.tariff_element.push_back(e);
  TariffElement empty_restriction;
  empty_restriction.price_component = PriceComponent{"usagetime", dec("2.40"), dec("0.1")};
  it.tariff_element.push_back(empty_restriction);
  it.recipient = {"DE8AA"};
  it.currency = "EUR";
  t.individual_tariff.push_back(it);
  return t;
}

DirectEndpoint sample_provider_endpoint() {
  return DirectEndpoint{"https://emp.example.com/ochp/direct", "http://ochp.eu/1.4", "secret-token", "2024-05-02",
                        {"DE8AAC%", "DE8AACA2B3C4D5"}, {"DE8AACX%"}};
}

DirectEndpoint sample_operator_endpoint() {
  return DirectEndpoint{"https://cpo.example.com/ochp/direct", "http://ochp.eu/1.3", "token2", "2024-05-02",
                        {"DEABCE%"}, {}};
}

ResultInfo ok_result() {
  return ResultInfo{"ok", "all fine"};
}

ResultInfo nil_result() {
  return ResultInfo{"partly", std::nullopt};
}

std::vector<Request> all_requests() {
  std::vector<Request> r;
  r.emplace_back(SetChargePointListRequest{{sample_charge_point(), minimal_charge_point()}});
  r.emplace_back(UpdateChargePointListRequest{{sample_charge_point(true)}});
  r.emplace_back(GetChargePointListRequest{});
  r.emplace_back(GetChargePointListUpdatesRequest{"2024-05-01T00:00:00Z"});
  r.emplace_back(SetRoamingAuthorisationListRequest{{sample_token(), minimal_token()}});
  r.emplace_back(UpdateRoamingAuthorisationListRequest{{sample_token()}});
  r.emplace_back(GetRoamingAuthorisationListRequest{});
  r.emplace_back(GetRoamingAuthorisationListUpdatesRequest{"2024-05-01T00:00:00Z"});
  r.emplace_back(GetSingleRoamingAuthorisationRequest{sample_emt_id()});
  r.emplace_back(AddCdrsRequest{{sample_cdr()}});
  r.emplace_back(CheckCdrsRequest{"declined"});
  r.emplace_back(GetCdrsRequest{std::nullopt});
  r.emplace_back(ConfirmCdrsRequest{{CdrConfirmation{"DEABC0001", "DE*ABC*E123456"}},
                                    {CdrConfirmation{"DEABC0002", "DEABCE1"}}});
  r.emplace_back(UpdateTariffsRequest{{sample_tariff()}});
  r.emplace_back(GetTariffUpdatesRequest{"2024-05-01T00:00:00Z"});
  r.emplace_back(UpdateStatusRequest{{EvseStatus{"DE*ABC*E123456", "not-available", "charging", "2024-05-01T12:00:00Z"},
                                      EvseStatus{"DEABCE1", "unknown", std::nullopt, std::nullopt}},
                                     {ParkingStatus{"DE*ABC*P123", "available", "2024-05-01T12:00:00+02:00"}},
                                     "2024-05-01T12:00:00Z"});
  r.emplace_back(GetStatusRequest{"2024-05-01T00:00:00Z", "combined"});
  r.emplace_back(AddServiceEndpointsRequest{{sample_provider_endpoint()}, {sample_operator_endpoint()}});
  r.emplace_back(GetServiceEndpointsRequest{});
  return r;
}

std::vector<Response> all_responses() {
  std::vector<Response> r;
  r.emplace_back(SetChargePointListResponse{nil_result(), {minimal_charge_point()}});
  r.emplace_back(UpdateChargePointListResponse{ok_result(), {}});
  r.emplace_back(GetChargePointListResponse{ok_result(), {sample_charge_point(), sample_charge_point(true)}});
  r.emplace_back(GetChargePointListUpdatesResponse{ok_result(), {minimal_charge_point()}});
  r.emplace_back(SetRoamingAuthorisationListResponse{nil_result(), {minimal_token()}});
  r.emplace_back(UpdateRoamingAuthorisationListResponse{ok_result(), {}});
  r.emplace_back(GetRoamingAuthorisationListResponse{ok_result(), {sample_token(), minimal_token()}});
  r.emplace_back(GetRoamingAuthorisationListUpdatesResponse{ok_result(), {sample_token()}});
  r.emplace_back(GetSingleRoamingAuthorisationResponse{ok_result(), sample_token()});
  r.emplace_back(AddCdrsResponse{ResultInfo{"partly", "one implausible"}, {"DEABC0001", "DEABC0002"}});
  r.emplace_back(CheckCdrsResponse{ok_result(), {sample_cdr()}});
  r.emplace_back(GetCdrsResponse{ok_result(), {sample_cdr()}});
  r.emplace_back(ConfirmCdrsResponse{ResultInfo{"roaming", "no contract"}});
  r.emplace_back(UpdateTariffsResponse{nil_result(), {sample_tariff()}});
  r.emplace_back(GetTariffUpdatesResponse{ok_result(), {sample_tariff()}});
  r.emplace_back(UpdateStatusResponse{ResultInfo{"not-authorized", "bad password"}});
  r.emplace_back(GetStatusResponse{{}, {EvseStatus{"DEABCE1", "available", "reserved", "2024-05-01T12:00:00Z"}}, {}});
  r.emplace_back(AddServiceEndpointsResponse{ok_result()});
  r.emplace_back(GetServiceEndpointsResponse{ok_result(), {sample_provider_endpoint()}, {sample_operator_endpoint()}});
  return r;
}

const UsernameToken kToken{"partner-1", "s3cr&t<pw>", "", std::nullopt, std::nullopt};

// ------------------------------------------------------------------ round trips

TEST(OchpCodec, EveryOperationIsCovered) {
  EXPECT_EQ(all_requests().size(), kOperationCount);
  EXPECT_EQ(all_responses().size(), kOperationCount);
  EXPECT_EQ(std::variant_size_v<Request>, kOperationCount);
  EXPECT_EQ(std::variant_size_v<Response>, kOperationCount);
  EXPECT_EQ(operation_name(Operation::set_charge_point_list), "SetChargepointList");
  EXPECT_EQ(request_element(Operation::set_charge_point_list), "SetChargePointListRequest");
  EXPECT_EQ(soap_action(Operation::update_status), "http://ochp.e-clearing.net/service/UpdateStatus");
  EXPECT_EQ(soap_action(Operation::add_cdrs), "http://ochp.eu/1.4/AddCDRs");
  EXPECT_EQ(soap_action(Operation::get_service_endpoints), "http://ochp.eu/direct/0.2/GetServiceEndpoints");
  EXPECT_EQ(response_element(Operation::add_cdrs), "AddCDRsResponse");
}

TEST(OchpCodec, RequestRoundTrip) {
  for (const auto& request : all_requests()) {
    const auto op = operation_of(request);
    SCOPED_TRACE(std::string(operation_name(op)));
    const std::string xml = serialize_request(request, kToken);
    ASSERT_FALSE(xml.empty());
    auto parsed = parse_request(xml);
    ASSERT_TRUE(parsed) << parsed.error().message() << "\n" << xml;
    EXPECT_EQ(operation_of(parsed->request), op);
    EXPECT_TRUE(parsed->request == request) << xml;
    ASSERT_TRUE(parsed->security.has_value());
    EXPECT_EQ(parsed->security->username, "partner-1");
    EXPECT_EQ(parsed->security->password, "s3cr&t<pw>");
    EXPECT_EQ(parsed->security->password_type, kPasswordTextType);
    EXPECT_TRUE(parsed->security->is_password_text());
  }
}

TEST(OchpCodec, ResponseRoundTrip) {
  for (const auto& response : all_responses()) {
    const auto op = operation_of(response);
    SCOPED_TRACE(std::string(operation_name(op)));
    const std::string xml = serialize_response(response);
    ASSERT_FALSE(xml.empty());
    auto parsed = parse_response(xml);
    ASSERT_TRUE(parsed) << parsed.error().message() << "\n" << xml;
    EXPECT_EQ(operation_of(*parsed), op);
    EXPECT_TRUE(*parsed == response) << xml;
  }
}

TEST(OchpCodec, DecimalsKeepTheirExactText) {
  const std::string xml = serialize_request(AddCdrsRequest{{sample_cdr()}});
  EXPECT_NE(xml.find("<ochp:itemPrice>0.1</ochp:itemPrice>"), std::string::npos) << xml;
  EXPECT_NE(xml.find("<ochp:itemPrice>0.50</ochp:itemPrice>"), std::string::npos) << xml;
  EXPECT_NE(xml.find("<ochp:billingValue>12.345</ochp:billingValue>"), std::string::npos) << xml;
  auto parsed = parse_request(xml);
  ASSERT_TRUE(parsed);
  const auto& cdr = std::get<AddCdrsRequest>(parsed->request).cdr_info_array.at(0);
  EXPECT_EQ(cdr.charging_periods.at(0).item_price.to_string(), "0.1");
  EXPECT_EQ(cdr.charging_periods.at(1).item_price.to_string(), "0.50");
  const std::string tariff = serialize_response(GetTariffUpdatesResponse{ok_result(), {sample_tariff()}});
  EXPECT_NE(tariff.find("<ochp:stepSize>0.1</ochp:stepSize>"), std::string::npos);
}

TEST(OchpCodec, WireShapeFollowsTheXsd) {
  const std::string xml = serialize_request(AddCdrsRequest{{sample_cdr()}}, kToken);
  EXPECT_NE(xml.find("<ochp:status><ochp:CdrStatusType>new</ochp:CdrStatusType></ochp:status>"), std::string::npos);
  EXPECT_NE(xml.find("<ochp:CdrId>DEABC0001</ochp:CdrId>"), std::string::npos);
  EXPECT_NE(xml.find("<ochp:startDateTime><ochp:LocalDateTime>2024-05-01T10:00:00+02:00</ochp:LocalDateTime>"),
            std::string::npos);
  EXPECT_NE(xml.find("representation=\"sha-256\""), std::string::npos);
  EXPECT_NE(xml.find("<wsse:Security SOAP-ENV:mustUnderstand=\"1\">"), std::string::npos);
  EXPECT_EQ(xml.find("SOAPAction"), std::string::npos);
  const std::string nil = serialize_response(ConfirmCdrsResponse{nil_result()});
  EXPECT_NE(nil.find("xsi:nil=\"true\""), std::string::npos) << nil;
  const std::string direct = serialize_response(GetServiceEndpointsResponse{ok_result(), {}, {}});
  EXPECT_NE(direct.find("<ochp:GetServiceEndpointsResponse>"), std::string::npos) << direct;
}

// ------------------------------------------------------------------ envelopes from other clients

std::string envelope(std::string_view header, std::string_view body,
                     std::string_view env_ns = "http://schemas.xmlsoap.org/soap/envelope/") {
  std::string s = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><soapenv:Envelope xmlns:soapenv=\"";
  s += env_ns;
  s += "\" xmlns:ns=\"http://ochp.eu/1.4\">";
  if (!header.empty()) {
    s += "<soapenv:Header>";
    s += header;
    s += "</soapenv:Header>";
  }
  s += "<soapenv:Body>";
  s += body;
  s += "</soapenv:Body></soapenv:Envelope>";
  return s;
}

constexpr std::string_view kWwcpHeader =
    "<wsse:Security soapenv:mustUnderstand=\"1\" "
    "xmlns:wsse=\"http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd\" "
    "xmlns:wsu=\"http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd\">"
    "<wsse:UsernameToken wsu:Id=\"UsernameToken-1\"><wsse:Username>cpo</wsse:Username>"
    "<wsse:Password Type=\"http://docs.oasis-open.org/wss/2004/01/"
    "oasis-200401-wss-username-token-profile-1.0#PasswordText\">pw</wsse:Password>"
    "<wsse:Nonce EncodingType=\"http://docs.oasis-open.org/wss/2004/01/"
    "oasis-200401-wss-soap-message-security-1.0#Base64Binary\">bm9uY2U=</wsse:Nonce>"
    "<wsu:Created>2024-05-01T10:00:00.000Z</wsu:Created></wsse:UsernameToken></wsse:Security>";

TEST(OchpCodec, AcceptsForeignPrefixesNonceAndCreated) {
  const auto xml = envelope(kWwcpHeader,
                            "<ns:GetChargePointListUpdatesRequest><ns:lastUpdate><ns:DateTime>2024-05-01T00:00:00Z"
                            "</ns:DateTime></ns:lastUpdate></ns:GetChargePointListUpdatesRequest>");
  auto parsed = parse_request(xml);
  ASSERT_TRUE(parsed) << parsed.error().message();
  EXPECT_EQ(std::get<GetChargePointListUpdatesRequest>(parsed->request).last_update, "2024-05-01T00:00:00Z");
  ASSERT_TRUE(parsed->security);
  EXPECT_EQ(parsed->security->username, "cpo");
  EXPECT_EQ(parsed->security->password, "pw");
  EXPECT_EQ(parsed->security->nonce, "bm9uY2U=");
  EXPECT_EQ(parsed->security->created, "2024-05-01T10:00:00.000Z");
}

TEST(OchpCodec, NoHeaderMeansNoCredentials) {
  auto parsed = parse_request(envelope("", "<ns:GetChargePointListRequest/>"));
  ASSERT_TRUE(parsed) << parsed.error().message();
  EXPECT_FALSE(parsed->security.has_value());
  EXPECT_TRUE(std::holds_alternative<GetChargePointListRequest>(parsed->request));
}

TEST(OchpCodec, IdentifiesTheOperationByTheBodyElementOnly) {
  // Direct endpoint operations use http://ochp.eu/1.4 like every other element.
  auto parsed = parse_request(envelope("", "<ns:GetServiceEndpointsRequest/>"));
  ASSERT_TRUE(parsed);
  EXPECT_EQ(operation_of(parsed->request), Operation::get_service_endpoints);
}

TEST(OchpCodec, AcceptsAnUnknownOptionalHeaderEntry) {
  auto parsed = parse_request(envelope(
      "<wsa:Action xmlns:wsa=\"http://www.w3.org/2005/08/addressing\">x</wsa:Action>",
      "<ns:GetChargePointListRequest/>"));
  EXPECT_TRUE(parsed) << parsed.error().message();
}

// ------------------------------------------------------------------ hostile and invalid input

void expect_error(std::string_view xml, std::optional<Errc> expected, const Limits& limits = {}) {
  auto parsed = parse_request(xml, limits);
  ASSERT_FALSE(parsed) << xml;
  if (expected) {
    EXPECT_EQ(parsed.error(), make_error_code(*expected)) << parsed.error().message() << "\n" << xml;
  }
}

TEST(OchpCodec, MalformedXmlIsAnError) {
  const std::string good = envelope("", "<ns:GetChargePointListRequest/>");
  expect_error("", Errc::malformed_body);
  expect_error("not xml at all", Errc::malformed_body);
  expect_error("<", Errc::malformed_body);
  expect_error(good.substr(0, good.size() / 2), std::nullopt);
  expect_error(envelope("", "<ns:GetChargePointListRequest></ns:Other>"), std::nullopt);
  expect_error(envelope("", "<ns:GetCDRsRequest><ns:cdrStatus><ns:CdrStatusType>new</ns:cdrStatus>"
                            "</ns:GetCDRsRequest>"),
               std::nullopt);
  expect_error("<a><b></a>", std::nullopt);
  expect_error(std::string("\0\0\0", 3), std::nullopt);
  // Every prefix of a valid message fails cleanly.
  const std::string full = serialize_request(AddCdrsRequest{{sample_cdr()}}, kToken);
  for (std::size_t n = 0; n < full.size(); n += 7) {
    EXPECT_FALSE(parse_request(std::string_view(full).substr(0, n))) << n;
  }
}

TEST(OchpCodec, DoctypeAndEntitiesAreRefused) {
  const std::string laughs =
      "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">"
      "<!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">"
      "<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">"
      "<!ENTITY lol9 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">]>" +
      envelope("", "<ns:GetChargePointListUpdatesRequest><ns:lastUpdate><ns:DateTime>&lol9;</ns:DateTime>"
                   "</ns:lastUpdate></ns:GetChargePointListUpdatesRequest>")
          .substr(38);
  expect_error(laughs, Errc::malformed_body);
  const std::string xxe =
      "<?xml version=\"1.0\"?><!DOCTYPE foo [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>" +
      envelope("", "<ns:GetSingleRoamingAuthorisationRequest><ns:emtId><ns:instance>&xxe;</ns:instance>"
                   "<ns:tokenType>rfid</ns:tokenType></ns:emtId></ns:GetSingleRoamingAuthorisationRequest>")
          .substr(38);
  expect_error(xxe, Errc::malformed_body);
  // A declaration hidden after a comment is still found; one inside a comment is harmless.
  expect_error("<!-- x --><!DOCTYPE a>" + envelope("", "<ns:GetChargePointListRequest/>"), Errc::malformed_body);
  EXPECT_TRUE(parse_request("<!-- <!DOCTYPE a> -->" + envelope("", "<ns:GetChargePointListRequest/>")));
  // An undeclared entity reference is not expanded into anything.
  auto undeclared = parse_request(envelope(
      "", "<ns:GetSingleRoamingAuthorisationRequest><ns:emtId><ns:instance>&xxe;</ns:instance>"
          "<ns:tokenType>rfid</ns:tokenType></ns:emtId></ns:GetSingleRoamingAuthorisationRequest>"));
  if (undeclared) {
    EXPECT_EQ(std::get<GetSingleRoamingAuthorisationRequest>(undeclared->request).emt_id.instance.find("root"),
              std::string::npos);
  }
}

TEST(OchpCodec, TextThatIsNotWellFormedXmlIsRefused) {
  auto with_instance = [](std::string_view instance) {
    return envelope("", "<ns:GetSingleRoamingAuthorisationRequest><ns:emtId><ns:instance>" + std::string(instance) +
                            "</ns:instance><ns:tokenType>rfid</ns:tokenType></ns:emtId>"
                            "</ns:GetSingleRoamingAuthorisationRequest>");
  };
  // Predefined entities and references to characters XML can carry are read.
  auto fine = parse_request(with_instance("A&amp;B&#x43;&#68;&lt;\xc3\xa9"));
  ASSERT_TRUE(fine) << fine.error().message();
  EXPECT_EQ(std::get<GetSingleRoamingAuthorisationRequest>(fine->request).emt_id.instance, "A&BCD<\xc3\xa9");
  // References to characters XML cannot carry or beyond Unicode, undefined entities, a bare
  // '&', control characters and bytes that are not UTF-8 (Latin-1, an encoded surrogate).
  for (std::string_view bad : {"a&#0;b", "&#x110000;", "&#99999999999999999999;", "&#xD800;", "a&#x1;b", "&#xFFFE;",
                               "&foo;", "a&b", "a\x01" "b", "\x7f\x1f", "caf\xe9", "\xed\xb0\x80", "\xef\xbf\xbf"}) {
    expect_error(with_instance(bad), Errc::malformed_body);
  }
  // Nothing but white space, comments and processing instructions after the root element.
  const std::string good = with_instance("X");
  EXPECT_TRUE(parse_request(good + "\n<!-- end -->\n<?pi x?>\n"));
  expect_error(good + "trailing", Errc::malformed_body);
  expect_error(good + "<second/>", Errc::malformed_body);
  // Only UTF-8 is read, and a declaration saying otherwise is refused.
  const std::string body = good.substr(good.find("?>") + 2);
  EXPECT_TRUE(parse_request("<?xml version='1.0' encoding='utf-8'?>" + body));
  EXPECT_TRUE(parse_request("<?xml version='1.0'?>" + body));
  // Another ASCII-compatible encoding is refused only for a document that is not ASCII; a
  // multi-byte one always.
  EXPECT_TRUE(parse_request("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>" + body));
  const std::string accented = with_instance("caf\xc3\xa9");
  const std::string accented_body = accented.substr(accented.find("?>") + 2);
  EXPECT_TRUE(parse_request("<?xml version=\"1.0\" encoding=\"UTF-8\"?>" + accented_body));
  expect_error("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>" + accented_body, Errc::malformed_body);
  expect_error("<?xml version=\"1.0\" encoding=\"UTF-16\"?>" + accented_body, Errc::malformed_body);
  expect_error("<?xml version=\"1.0\" encoding=\"UTF-16\"?>" + body, Errc::malformed_body);
}

TEST(OchpCodec, CharactersXmlCannotCarryAreWrittenAsReplacementCharacters) {
  auto request = GetSingleRoamingAuthorisationRequest{sample_emt_id()};
  request.emt_id.instance = "Ctrl\x01Name\x1f\xef\xbf\xbf";
  const std::string xml = serialize_request(request, kToken);
  EXPECT_EQ(xml.find("&#x1;"), std::string::npos) << xml;
  EXPECT_EQ(xml.find("&#x1F;"), std::string::npos) << xml;
  auto parsed = parse_request(xml);
  ASSERT_TRUE(parsed) << parsed.error().message() << "\n" << xml;
  EXPECT_EQ(std::get<GetSingleRoamingAuthorisationRequest>(parsed->request).emt_id.instance,
            "Ctrl\xEF\xBF\xBDName\xEF\xBF\xBD\xEF\xBF\xBD");
  // Tab, line feed and carriage return stay as they are.
  request.emt_id.instance = "a\tb";
  auto kept = parse_request(serialize_request(request, kToken));
  ASSERT_TRUE(kept);
  EXPECT_EQ(std::get<GetSingleRoamingAuthorisationRequest>(kept->request).emt_id.instance, "a\tb");
}

TEST(OchpCodec, EnvelopeSizeLimit) {
  const std::string xml = serialize_request(SetChargePointListRequest{{sample_charge_point()}}, kToken);
  Limits limits;
  limits.max_envelope_bytes = xml.size() - 1;
  expect_error(xml, Errc::payload_too_large, limits);
  limits.max_envelope_bytes = xml.size();
  EXPECT_TRUE(parse_request(xml, limits));
  Fault fault;
  auto response = parse_response(serialize_response(GetChargePointListResponse{ok_result(), {}}), limits, &fault);
  EXPECT_TRUE(response);
}

TEST(OchpCodec, NestingDepthLimit) {
  std::string deep_header;
  for (int i = 0; i < 200; ++i) {
    deep_header += "<x:a xmlns:x=\"urn:x\">";
  }
  for (int i = 0; i < 200; ++i) {
    deep_header += "</x:a>";
  }
  expect_error(envelope(deep_header, "<ns:GetChargePointListRequest/>"), std::nullopt);
  std::string deep_body = "<ns:GetCDRsRequest>";
  for (int i = 0; i < 100; ++i) {
    deep_body += "<ns:cdrStatus>";
  }
  expect_error(envelope("", deep_body), std::nullopt);
  // The real message needs far less than the default depth; a tight limit rejects it.
  const std::string xml = serialize_request(SetChargePointListRequest{{sample_charge_point()}}, kToken);
  Limits limits;
  limits.max_depth = 5;
  expect_error(xml, Errc::payload_too_large, limits);
  limits.max_depth = 12;
  EXPECT_TRUE(parse_request(xml, limits));
}

TEST(OchpCodec, WrongNamespaces) {
  // An OCHP 1.3 client.
  expect_error(envelope("", "<v:GetChargePointListRequest xmlns:v=\"http://ochp.eu/1.3\"/>"),
               Errc::unsupported_version);
  // A right name in a foreign namespace, and no namespace at all.
  expect_error(envelope("", "<v:GetChargePointListRequest xmlns:v=\"urn:other\"/>"), Errc::invalid_request);
  expect_error(envelope("", "<GetChargePointListRequest/>"), Errc::invalid_request);
  // A child element in the wrong namespace.
  expect_error(envelope("", "<ns:GetChargePointListUpdatesRequest><o:lastUpdate xmlns:o=\"urn:o\">"
                            "<ns:DateTime>2024-05-01T00:00:00Z</ns:DateTime></o:lastUpdate>"
                            "</ns:GetChargePointListUpdatesRequest>"),
               Errc::invalid_request);
  // SOAP 1.2 envelope.
  expect_error(envelope("", "<ns:GetChargePointListRequest/>", "http://www.w3.org/2003/05/soap-envelope"),
               Errc::unsupported_version);
  // Not an envelope.
  expect_error("<ns:GetChargePointListRequest xmlns:ns=\"http://ochp.eu/1.4\"/>", std::nullopt);
}

TEST(OchpCodec, UnknownOrInvalidBodyContent) {
  expect_error(envelope("", "<ns:RequestLiveRoamingAuthorisationRequest/>"), Errc::invalid_request);
  expect_error(envelope("", ""), Errc::invalid_request);
  // A response element is not a request.
  expect_error(envelope("", "<ns:GetStatusResponse/>"), Errc::invalid_request);
  // Missing required element.
  expect_error(envelope("", "<ns:GetChargePointListUpdatesRequest/>"), Errc::invalid_request);
  // Unknown child element.
  expect_error(envelope("", "<ns:GetChargePointListRequest><ns:extra>1</ns:extra></ns:GetChargePointListRequest>"),
               Errc::invalid_request);
  // Value outside the enumeration; malformed DateTime.
  expect_error(envelope("", "<ns:GetCDRsRequest><ns:cdrStatus><ns:CdrStatusType>bogus</ns:CdrStatusType>"
                            "</ns:cdrStatus></ns:GetCDRsRequest>"),
               Errc::invalid_request);
  expect_error(envelope("", "<ns:GetChargePointListUpdatesRequest><ns:lastUpdate><ns:DateTime>2024-05-01"
                            "</ns:DateTime></ns:lastUpdate></ns:GetChargePointListUpdatesRequest>"),
               Errc::invalid_request);
  // A float in exponent form is refused rather than rounded.
  std::string xml = serialize_request(AddCdrsRequest{{sample_cdr()}});
  const auto pos = xml.find("<ochp:itemPrice>0.1<");
  ASSERT_NE(pos, std::string::npos);
  xml.replace(pos + 16, 3, "1E-1");
  expect_error(xml, Errc::invalid_request);
  // A mustUnderstand header we do not know.
  expect_error(envelope("<x:Tx xmlns:x=\"urn:x\" soapenv:mustUnderstand=\"1\">1</x:Tx>",
                        "<ns:GetChargePointListRequest/>"),
               std::nullopt);
}

TEST(OchpCodec, Faults) {
  const std::string xml = serialize_fault(FaultCode::client, "bad <input> & more");
  EXPECT_NE(xml.find("SOAP-ENV:Client"), std::string::npos) << xml;
  EXPECT_NE(xml.find("bad &lt;input&gt; &amp; more"), std::string::npos) << xml;
  Fault fault;
  auto parsed = parse_response(xml, {}, &fault);
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error(), make_error_code(Errc::upstream_permanent));
  EXPECT_EQ(fault.message, "bad <input> & more");
  auto server = parse_response(serialize_fault(FaultCode::server, "down"), {}, &fault);
  ASSERT_FALSE(server);
  EXPECT_EQ(server.error(), make_error_code(Errc::upstream_retryable));
  EXPECT_EQ(fault_code_for(Errc::unauthorized), FaultCode::client);
  EXPECT_EQ(fault_code_for(Errc::internal), FaultCode::server);
  EXPECT_EQ(fault_code_for(Errc::unsupported_version), FaultCode::version_mismatch);
  EXPECT_NE(serialize_fault(FaultCode::version_mismatch, "x").find("SOAP-ENV:VersionMismatch"), std::string::npos);
  // A request envelope is not a response.
  EXPECT_FALSE(parse_response(serialize_request(GetChargePointListRequest{})));
}

// ------------------------------------------------------------------ schema validation (xmllint)

/// Copies the official schema files into a temp folder and patches the regex facets that are not
/// valid XML Schema regular expressions (`\/` and `\:` escapes), so libxml2 can compile them.
class SchemaValidation : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const fs::path spec(HUB_SHARED_SPEC_DIR);
    if (!fs::exists(spec / "ochp-1.4/types/message-elements.xsd") ||
        !fs::exists(spec / "ochpdirect-0.2/ochp-direct.wsdl")) {
      skip_reason_ = "OCHP spec files not found under HUB_SHARED_SPEC_DIR=" + spec.string();
      return;
    }
    if (std::system("xmllint --version >/dev/null 2>&1") != 0) {
      skip_reason_ = "xmllint (libxml2-utils) not installed";
      return;
    }
    dir_ = fs::temp_directory_path() / ("ochp_codec_test_" + std::to_string(::getpid()));
    fs::create_directories(dir_ / "types");
    for (const auto& entry : fs::directory_iterator(spec / "ochp-1.4/types")) {
      if (entry.path().extension() == ".xsd") {
        patched_ += patch_copy(entry.path(), dir_ / "types" / entry.path().filename());
      }
    }
    // ochp-direct.wsdl embeds its schema: extract it into a standalone XSD.
    std::string wsdl = read(spec / "ochpdirect-0.2/ochp-direct.wsdl");
    const auto begin = wsdl.find("<s:schema");
    const auto end = wsdl.find("</s:schema>");
    ASSERT_NE(begin, std::string::npos);
    ASSERT_NE(end, std::string::npos);
    std::string schema = wsdl.substr(begin, end + 11 - begin);
    schema.replace(0, 9,
                   "<s:schema xmlns:s=\"http://www.w3.org/2001/XMLSchema\" xmlns:tns=\"http://ochp.eu/1.4\"");
    direct_patched_ = patch(schema);
    write(dir_ / "direct.xsd", "<?xml version=\"1.0\"?>\n" + schema);
  }

  static void TearDownTestSuite() {
    if (!dir_.empty()) {
      std::error_code ec;
      fs::remove_all(dir_, ec);
    }
  }

  void SetUp() override {
    if (!skip_reason_.empty()) {
      GTEST_SKIP() << skip_reason_;
    }
  }

  static std::string read(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

  static void write(const fs::path& p, const std::string& s) {
    std::ofstream out(p, std::ios::binary);
    out << s;
  }

  /// Replaces `\/` by `/` and `\:` by `:` inside pattern facets; returns how many facets changed.
  static int patch(std::string& s) {
    int changed = 0;
    std::size_t pos = 0;
    while ((pos = s.find("<s:pattern value=\"", pos)) != std::string::npos) {
      const auto start = pos + 18;
      const auto stop = s.find('"', start);
      std::string value = s.substr(start, stop - start);
      std::string fixed;
      for (std::size_t i = 0; i < value.size(); ++i) {
        if (value[i] == '\\' && i + 1 < value.size() && (value[i + 1] == '/' || value[i + 1] == ':')) {
          continue;
        }
        fixed += value[i];
      }
      if (fixed != value) {
        ++changed;
        s.replace(start, value.size(), fixed);
      }
      pos = start;
    }
    return changed;
  }

  static int patch_copy(const fs::path& from, const fs::path& to) {
    std::string s = read(from);
    const int n = patch(s);
    write(to, s);
    return n;
  }

  /// Extracts the Body's child element as a standalone document and validates it.
  static ::testing::AssertionResult validates(const std::string& envelope_xml, const fs::path& schema,
                                              const std::string& name) {
    const auto body = envelope_xml.find("<SOAP-ENV:Body>");
    const auto body_end = envelope_xml.rfind("</SOAP-ENV:Body>");
    if (body == std::string::npos || body_end == std::string::npos) {
      return ::testing::AssertionFailure() << "no Body in " << envelope_xml;
    }
    std::string element = envelope_xml.substr(body + 15, body_end - body - 15);
    // Re-declare the prefixes the envelope declared.
    const auto name_end = element.find_first_of(" >/");
    element.insert(name_end,
                   " xmlns:ochp=\"http://ochp.eu/1.4\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"");
    const fs::path doc = dir_ / (name + ".xml");
    write(doc, element);
    const fs::path log = dir_ / (name + ".log");
    const std::string cmd =
        "xmllint --noout --schema '" + schema.string() + "' '" + doc.string() + "' >'" + log.string() + "' 2>&1";
    if (std::system(cmd.c_str()) != 0) {
      return ::testing::AssertionFailure() << read(log) << "\n" << element;
    }
    return ::testing::AssertionSuccess();
  }

  static fs::path schema_for(Operation op) {
    return op == Operation::add_service_endpoints || op == Operation::get_service_endpoints
               ? dir_ / "direct.xsd"
               : dir_ / "types/message-elements.xsd";
  }

  static inline std::string skip_reason_;
  static inline fs::path dir_;
  static inline int patched_ = 0;
  static inline int direct_patched_ = 0;
};

TEST_F(SchemaValidation, FourPatternsArePatched) {
  // data-types.xsd: RegularHoursType/@periodBegin "[0-2][0-9]\:[0-5][0-9]", EvseImageUrlType
  // uri and thumbUri "(http|https|ftp|file):\/\/.+", RelatedResourceType/uri "(http|https):\/\/.+".
  EXPECT_EQ(patched_, 4);
  // ochp-direct.wsdl: DirectEndpoint/url "https:\/\/.+".
  EXPECT_EQ(direct_patched_, 1);
}

TEST_F(SchemaValidation, EveryRequestValidates) {
  for (const auto& request : all_requests()) {
    const auto op = operation_of(request);
    SCOPED_TRACE(std::string(operation_name(op)));
    EXPECT_TRUE(validates(serialize_request(request, kToken), schema_for(op), std::string(request_element(op))));
  }
}

TEST_F(SchemaValidation, EveryResponseValidates) {
  for (const auto& response : all_responses()) {
    const auto op = operation_of(response);
    SCOPED_TRACE(std::string(operation_name(op)));
    EXPECT_TRUE(validates(serialize_response(response), schema_for(op), std::string(response_element(op))));
  }
  // The other GetStatus choice branches and the empty lists.
  EXPECT_TRUE(validates(serialize_response(GetStatusResponse{{EvseStatus{"DEABCE1", "unknown", {}, {}}}, {}, {}}),
                        schema_for(Operation::get_status), "GetStatusCombined"));
  EXPECT_TRUE(validates(serialize_response(GetStatusResponse{{}, {}, {ParkingStatus{"DEABCP1", "unknown", {}}}}),
                        schema_for(Operation::get_status), "GetStatusParking"));
}

TEST_F(SchemaValidation, SchemaRejectsABrokenMessage) {
  // Guards the validator itself: a required element removed must fail validation.
  std::string xml = serialize_request(GetSingleRoamingAuthorisationRequest{sample_emt_id()});
  const auto pos = xml.find("<ochp:tokenType>rfid</ochp:tokenType>");
  ASSERT_NE(pos, std::string::npos);
  xml.erase(pos, std::string_view("<ochp:tokenType>rfid</ochp:tokenType>").size());
  EXPECT_FALSE(validates(xml, schema_for(Operation::get_single_roaming_authorisation), "broken"));
}

}  // namespace
}  // namespace hub::ochp
