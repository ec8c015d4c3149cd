// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <spdlog/spdlog.h>

#include <memory>
#include <string>
#include <string_view>
#include <initializer_list>
#include <utility>

/// Logging: JSON lines on stderr, one named logger per subsystem.
/// Thread safety: loggers are thread-safe; configure() is called once at startup.
namespace hub::log {

/// Sets the global level ("trace".."off") and installs the JSON-lines pattern.
void configure(std::string_view level, bool json = true);

/// The logger of one subsystem ("http", "admin", "store", "routing", ...), created on first use.
std::shared_ptr<spdlog::logger> get(const std::string& subsystem);

/// Escapes a value for embedding in a JSON string literal (log lines carry request ids verbatim).
std::string json_escape(std::string_view in);

/// A message with extra JSON fields: the line becomes
/// {"ts":...,"level":...,"logger":...,"msg":"<msg>","<k1>":"<v1>",...}. Everything is escaped.
/// Use as logger->info("{}", hub::log::with("request", {{"request_id", id}})).
std::string with(std::string_view msg,
                 std::initializer_list<std::pair<std::string_view, std::string_view>> fields);

}  // namespace hub::log
