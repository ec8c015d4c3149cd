// SPDX-License-Identifier: GPL-2.0-or-later
#include <hub/core/log.hpp>

#include <spdlog/sinks/stdout_sinks.h>

#include <mutex>

namespace hub::log {
namespace {
std::mutex g_mutex;
bool g_json = true;
spdlog::level::level_enum g_level = spdlog::level::info;

void apply(spdlog::logger& l) {
  l.set_level(g_level);
  if (g_json) {
    // One JSON object per line; the message itself is pre-escaped by callers via json_escape
    // where it carries untrusted text.
    l.set_pattern(R"({"ts":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l","logger":"%n","msg":"%v"})",
                  spdlog::pattern_time_type::utc);
  }
}
}  // namespace

void configure(std::string_view level, bool json) {
  std::lock_guard lock(g_mutex);
  g_level = spdlog::level::from_str(std::string(level));
  g_json = json;
  spdlog::apply_all([](const std::shared_ptr<spdlog::logger>& l) { apply(*l); });
}

std::shared_ptr<spdlog::logger> get(const std::string& subsystem) {
  std::lock_guard lock(g_mutex);
  if (auto existing = spdlog::get(subsystem)) {
    return existing;
  }
  auto logger = spdlog::stderr_logger_mt(subsystem);
  apply(*logger);
  return logger;
}

std::string json_escape(std::string_view in) {
  std::string out;
  out.reserve(in.size() + 8);
  for (unsigned char c : in) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          static constexpr char kHex[] = "0123456789abcdef";
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 0xf];
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out;
}

std::string with(std::string_view msg,
                 std::initializer_list<std::pair<std::string_view, std::string_view>> fields) {
  // The pattern closes the msg string; each field closes the previous value and opens its own.
  std::string out = json_escape(msg);
  for (const auto& [k, v] : fields) {
    out += "\",\"";
    out += json_escape(k);
    out += "\":\"";
    out += json_escape(v);
  }
  return out;
}

}  // namespace hub::log
