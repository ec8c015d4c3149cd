// SPDX-License-Identifier: GPL-2.0-or-later
// Conformance of the clearing house with the official OCHP 1.4 / OCHPdirect 0.2 contract:
//  * python3-zeep (an independent SOAP stack) loads the official WSDLs, points them at the hub
//    and calls every operation with WS-Security (tests/ochp/zeep_conformance.py);
//  * every request our codec sends and every answer the service gives in a flow over all 19
//    operations validates with xmllint against the official XSD (copied to a temp folder with
//    its four non-XML-Schema regex facets patched, as in the codec test).
// Both skip with a clear message when ../shared/spec, python3-zeep or xmllint is absent.
#include "service_env.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace hub::ochp {
namespace {

namespace fs = std::filesystem;
using test::OchpServiceEnv;

constexpr const char* kPython = "/usr/bin/python3";

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write(const fs::path& p, const std::string& s) {
  std::ofstream out(p, std::ios::binary);
  out << s;
}

bool spec_present() {
  const fs::path spec(HUB_SHARED_SPEC_DIR);
  return fs::exists(spec / "ochp-1.4/ochp.wsdl") && fs::exists(spec / "ochpdirect-0.2/ochp-direct.wsdl");
}

class Conformance : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!spec_present()) {
      GTEST_SKIP() << "OCHP spec files not found under HUB_SHARED_SPEC_DIR=" << HUB_SHARED_SPEC_DIR;
    }
    env_ = std::make_unique<OchpServiceEnv>();
    env_->add_party("cpo-a", "cpo-a-secret", {{model::Role::cpo, "DE", "ABC"}});
    env_->add_party("emp-x", "emp-x-secret", {{model::Role::emsp, "DE", "8AA"}});
  }
  std::unique_ptr<OchpServiceEnv> env_;
};

TEST_F(Conformance, ZeepCallsEveryOperationWithWsSecurity) {
  const std::string probe = std::string(kPython) + " -c 'import zeep' >/dev/null 2>&1";
  if (std::system(probe.c_str()) != 0) {
    GTEST_SKIP() << "python3-zeep is not installed for " << kPython;
  }
  const fs::path log = fs::temp_directory_path() / ("ochp_zeep_" + std::to_string(::getpid()) + ".log");
  const std::string cmd = std::string(kPython) + " '" + HUB_OCHP_ZEEP_SCRIPT + "' '" + HUB_SHARED_SPEC_DIR + "' '" +
                          env_->base_url() + "' cpo-a cpo-a-secret emp-x emp-x-secret >'" + log.string() + "' 2>&1";
  const int rc = std::system(cmd.c_str());
  const std::string output = read(log);
  fs::remove(log);
  EXPECT_EQ(rc, 0) << output;
  EXPECT_NE(output.find("0 failure(s)"), std::string::npos) << output;
}

/// The patched schema folder (see the codec test's SchemaValidation).
class XsdConformance : public Conformance {
 protected:
  void SetUp() override {
    Conformance::SetUp();
    if (IsSkipped()) {
      return;
    }
    if (std::system("xmllint --version >/dev/null 2>&1") != 0) {
      GTEST_SKIP() << "xmllint (libxml2-utils) not installed";
    }
    const fs::path spec(HUB_SHARED_SPEC_DIR);
    dir_ = fs::temp_directory_path() / ("ochp_service_xsd_" + std::to_string(::getpid()));
    fs::create_directories(dir_ / "types");
    int patched = 0;
    for (const auto& entry : fs::directory_iterator(spec / "ochp-1.4/types")) {
      if (entry.path().extension() == ".xsd") {
        std::string s = read(entry.path());
        patched += patch(s);
        write(dir_ / "types" / entry.path().filename(), s);
      }
    }
    EXPECT_EQ(patched, 4);
    std::string wsdl = read(spec / "ochpdirect-0.2/ochp-direct.wsdl");
    const auto begin = wsdl.find("<s:schema");
    const auto end = wsdl.find("</s:schema>");
    ASSERT_NE(begin, std::string::npos);
    std::string schema = wsdl.substr(begin, end + 11 - begin);
    schema.replace(0, 9, "<s:schema xmlns:s=\"http://www.w3.org/2001/XMLSchema\" xmlns:tns=\"http://ochp.eu/1.4\"");
    EXPECT_EQ(patch(schema), 1);
    write(dir_ / "direct.xsd", "<?xml version=\"1.0\"?>\n" + schema);
  }

  void TearDown() override {
    if (!dir_.empty()) {
      std::error_code ec;
      fs::remove_all(dir_, ec);
    }
  }

  /// `\/` -> `/` and `\:` -> `:` inside pattern facets; returns how many facets changed.
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

  ::testing::AssertionResult validates(const std::string& envelope, Operation op, const std::string& name) {
    const auto body = envelope.find("<SOAP-ENV:Body>");
    const auto body_end = envelope.rfind("</SOAP-ENV:Body>");
    if (body == std::string::npos || body_end == std::string::npos) {
      return ::testing::AssertionFailure() << "no Body in " << envelope.substr(0, 2000);
    }
    std::string element = envelope.substr(body + 15, body_end - body - 15);
    const auto name_end = element.find_first_of(" >/");
    element.insert(name_end,
                   " xmlns:ochp=\"http://ochp.eu/1.4\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"");
    const fs::path doc = dir_ / (name + ".xml");
    write(doc, element);
    const fs::path log = dir_ / (name + ".log");
    const fs::path schema = op == Operation::add_service_endpoints || op == Operation::get_service_endpoints
                                ? dir_ / "direct.xsd"
                                : dir_ / "types/message-elements.xsd";
    const std::string cmd =
        "xmllint --noout --schema '" + schema.string() + "' '" + doc.string() + "' >'" + log.string() + "' 2>&1";
    if (std::system(cmd.c_str()) != 0) {
      return ::testing::AssertionFailure() << read(log) << "\n" << element.substr(0, 3000);
    }
    return ::testing::AssertionSuccess();
  }

  /// Sends `r`, validates the request and the service's answer, returns the answer.
  Response exchange(const Request& r, const std::string& user, const std::string& password, const std::string& path) {
    const Operation op = operation_of(r);
    UsernameToken tok{user, password, std::string(kPasswordTextType), {}, {}};
    const std::string name(operation_name(op));
    EXPECT_TRUE(validates(serialize_request(r, tok), op, name + "-request-" + std::to_string(++n_))) << name;
    auto res = env_->call(r, user, password, nullptr, path);
    EXPECT_TRUE(res.has_value()) << name << ": " << env_->last_body().substr(0, 2000);
    EXPECT_TRUE(validates(env_->last_body(), op, name + "-response-" + std::to_string(n_))) << name;
    ++covered_[static_cast<std::size_t>(op)];
    return res ? *res : Response{};
  }

  fs::path dir_;
  int n_ = 0;
  std::array<int, kOperationCount> covered_{};
};

TEST_F(XsdConformance, EveryRequestAndAnswerOfAFullFlowValidates) {
  const std::string cpo = "cpo-a";
  const std::string cpo_pw = "cpo-a-secret";
  const std::string emp = "emp-x";
  const std::string emp_pw = "emp-x-secret";
  const std::string svc = "/service/ochp/v1.4";
  SetChargePointListRequest set;
  set.charge_point_info_array = {test::sample_charge_point("DE*ABC*E0001"), test::sample_charge_point("DE*XYZ*E2")};
  exchange(Request{set}, cpo, cpo_pw, svc);  // partly: a refused item (foreign operator) is echoed
  UpdateChargePointListRequest upd;
  upd.charge_point_info_array = {test::sample_charge_point("DE*ABC*E0002")};
  exchange(Request{upd}, cpo, cpo_pw, svc);
  exchange(Request{GetChargePointListRequest{}}, emp, emp_pw, svc);
  exchange(Request{GetChargePointListUpdatesRequest{"2020-01-01T00:00:00Z"}}, emp, emp_pw, svc);
  SetRoamingAuthorisationListRequest tokens;
  tokens.roaming_authorisation_info_array = {test::sample_token("AA01", "DE-8AA-C00000001-1"),
                                             test::sample_token("AA02", "DE-9ZZ-C00000002-2")};
  exchange(Request{tokens}, emp, emp_pw, svc);
  UpdateRoamingAuthorisationListRequest tokens2;
  tokens2.roaming_authorisation_info_array = {test::sample_token("AA03", "DE-8AA-C00000003-3")};
  exchange(Request{tokens2}, emp, emp_pw, svc);
  exchange(Request{GetRoamingAuthorisationListRequest{}}, cpo, cpo_pw, svc);
  exchange(Request{GetRoamingAuthorisationListUpdatesRequest{"2020-01-01T00:00:00Z"}}, cpo, cpo_pw, svc);
  EmtId emt;
  emt.instance = "AA01";
  emt.token_type = "rfid";
  exchange(Request{GetSingleRoamingAuthorisationRequest{emt}}, cpo, cpo_pw, svc);
  AddCdrsRequest cdrs;
  cdrs.cdr_info_array = {test::sample_cdr("DEABC0001", "DE*ABC*E0001", "DE-8AA-C00000001-1"),
                         test::sample_cdr("DEXYZ0001", "DE*ABC*E0001", "DE-8AA-C00000001-1")};
  exchange(Request{cdrs}, cpo, cpo_pw, svc);
  exchange(Request{GetCdrsRequest{}}, emp, emp_pw, svc);
  ConfirmCdrsRequest confirm;
  confirm.declined = {CdrConfirmation{"DEABC0001", "DE*ABC*E0001"}};
  exchange(Request{confirm}, emp, emp_pw, svc);
  exchange(Request{CheckCdrsRequest{}}, cpo, cpo_pw, svc);
  UpdateTariffsRequest tariffs;
  tariffs.tariff_info_array = {test::sample_tariff("DE*ABC*T1")};
  exchange(Request{tariffs}, cpo, cpo_pw, svc);
  exchange(Request{GetTariffUpdatesRequest{}}, emp, emp_pw, svc);
  UpdateStatusRequest status;
  status.evse = {EvseStatus{"DE*ABC*E0001", "not-available", std::string("charging"), std::nullopt}};
  status.ttl = "2099-01-01T00:00:00Z";
  exchange(Request{status}, cpo, cpo_pw, "/live/ochp/v1.4");
  exchange(Request{GetStatusRequest{}}, emp, emp_pw, "/live/ochp/v1.4");
  AddServiceEndpointsRequest eps;
  eps.provider_endpoint_array = {
      DirectEndpoint{"https://emp.example/direct", "http://ochp.eu/1.4", "emp-tok", "2024-01-01", {"DE8AAC%"}, {}}};
  exchange(Request{eps}, emp, emp_pw, "/direct/ochp/v1.4");
  exchange(Request{GetServiceEndpointsRequest{}}, cpo, cpo_pw, "/direct/ochp/v1.4");
  // A not-authorized answer validates too.
  exchange(Request{GetChargePointListRequest{}}, cpo, "wrong", svc);
  for (std::size_t i = 0; i < kOperationCount; ++i) {
    EXPECT_GT(covered_[i], 0) << operation_name(static_cast<Operation>(i));
  }
}

}  // namespace
}  // namespace hub::ochp
