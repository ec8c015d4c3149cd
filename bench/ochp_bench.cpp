// SPDX-License-Identifier: GPL-2.0-or-later
// OCHP clearing-house benchmark (not a test): time and peak RSS of a SetChargepointList and a
// GetChargePointList of N EVSEs in one message, and AddCDRs throughput, through real HTTP into
// the service over a private redis-server.
//   ./build/release/bench/ochp_bench [evses=100000] [cdrs=20000]
#include "../tests/ochp/service_env.hpp"

#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>

namespace {

long peak_rss_kb() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmHWM:", 0) == 0) {
      return std::stol(line.substr(6));
    }
  }
  return 0;
}

long rss_kb() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) {
      return std::stol(line.substr(6));
    }
  }
  return 0;
}

/// Resets the peak RSS counter (Linux: write 5 to clear_refs).
void reset_peak() {
  std::ofstream("/proc/self/clear_refs") << "5";
}

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

}  // namespace

int main(int argc, char** argv) {
  using namespace hub;
  const int evses = argc > 1 ? std::stoi(argv[1]) : 100000;
  const int cdrs = argc > 2 ? std::stoi(argv[2]) : 20000;
  ochp::Limits limits;
  limits.max_envelope_bytes = 1u << 30;
  test::OchpServiceEnv env(limits, 1u << 30);
  env.add_party("cpo", "cpo-secret", {{model::Role::cpo, "DE", "ABC"}});
  env.add_party("emp", "emp-secret", {{model::Role::emsp, "DE", "8AA"}});
  ochp::UsernameToken cpo{"cpo", "cpo-secret", std::string(ochp::kPasswordTextType), {}, {}};
  ochp::UsernameToken emp{"emp", "emp-secret", std::string(ochp::kPasswordTextType), {}, {}};

  std::string body;
  {
    ochp::SetChargePointListRequest set;
    for (int i = 0; i < evses; ++i) {
      set.charge_point_info_array.push_back(
          test::sample_charge_point("DE*ABC*E" + std::to_string(i), "L" + std::to_string(i / 4)));
    }
    body = ochp::serialize_request(ochp::Request{std::move(set)}, cpo);
  }
  std::printf("SetChargepointList: %d EVSEs, envelope %.1f MB\n", evses, body.size() / 1e6);
  const long base = rss_kb();
  reset_peak();
  auto t0 = std::chrono::steady_clock::now();
  auto r = env.post(body);
  const double set_s = seconds_since(t0);
  std::string().swap(body);
  const bool set_ok = r.status == 200 && r.response.body.find(">ok<") != std::string::npos;
  std::printf("  %.2f s, HTTP %d, %s; process RSS before %ld MB, peak during %ld MB\n", set_s, r.status,
              set_ok ? "ok" : r.response.body.substr(0, 300).c_str(), base / 1024, peak_rss_kb() / 1024);

  const long base2 = rss_kb();
  reset_peak();
  t0 = std::chrono::steady_clock::now();
  auto g = env.post(ochp::serialize_request(ochp::Request{ochp::GetChargePointListRequest{}}, emp));
  const double get_s = seconds_since(t0);
  std::size_t count = 0;
  for (std::size_t pos = 0; (pos = g.response.body.find("<ochp:chargePointInfoArray>", pos)) != std::string::npos;
       ++pos) {
    ++count;
  }
  std::printf("GetChargePointList: %.2f s, HTTP %d, %zu EVSEs, response %.1f MB; RSS before %ld MB, peak %ld MB\n",
              get_s, g.status, count, g.response.body.size() / 1e6, base2 / 1024, peak_rss_kb() / 1024);
  g = {};

  // Charge point the CDRs refer to is stored above (DE*ABC*E0).
  const int per_message = 1000;
  t0 = std::chrono::steady_clock::now();
  int accepted_msgs = 0;
  for (int at = 0; at < cdrs; at += per_message) {
    ochp::AddCdrsRequest add;
    for (int i = at; i < std::min(cdrs, at + per_message); ++i) {
      add.cdr_info_array.push_back(test::sample_cdr("DEABC" + std::to_string(i), "DE*ABC*E0", "DE-8AA-C00000001-1"));
    }
    auto a = env.post(ochp::serialize_request(ochp::Request{std::move(add)}, cpo));
    if (a.status == 200 && a.response.body.find(">ok<") != std::string::npos) {
      ++accepted_msgs;
    }
  }
  const double cdr_s = seconds_since(t0);
  std::printf("AddCDRs: %d CDRs in messages of %d: %.2f s, %.0f CDRs/s, %d/%d messages ok\n", cdrs, per_message,
              cdr_s, cdrs / cdr_s, accepted_msgs, (cdrs + per_message - 1) / per_message);
  return set_ok ? 0 : 1;
}
