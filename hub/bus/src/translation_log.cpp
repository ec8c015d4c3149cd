// SPDX-License-Identifier: GPL-2.0-or-later
#include <hub/bus/translation_log.hpp>

#include <hub/metrics/metrics.hpp>
#include <hub/store/redis.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <set>

namespace hub::bus {

namespace asio = boost::asio;

namespace {

constexpr const char* kTtlSeconds = "2592000";  // 30 days
constexpr const char* kKeepPerParty = "-10001";  // ZREMRANGEBYRANK 0 -10001 keeps the newest 10,000
constexpr char kSep = '\x1f';
constexpr char kListSep = '\x1e';

std::string object_key(std::string_view kind, std::string_view key) {
  return "hub:tr:" + std::string(kind) + ":" + std::string(key);
}
std::string party_key(std::string_view party) { return "hub:tr:p:" + std::string(party); }

std::vector<std::string> split(std::string_view s, char sep) {
  std::vector<std::string> out;
  std::size_t at = 0;
  while (true) {
    auto n = s.find(sep, at);
    out.emplace_back(s.substr(at, n == std::string_view::npos ? std::string_view::npos : n - at));
    if (n == std::string_view::npos) {
      break;
    }
    at = n + 1;
  }
  return out;
}

std::string encode_note(const TranslationNote& n) {
  std::string lost;
  for (std::size_t i = 0; i < n.lost.size(); ++i) {
    if (i) {
      lost += kListSep;
    }
    lost += n.lost[i];
  }
  std::string out;
  for (const auto* f : {&n.direction, &n.source, &n.destination, &n.refused}) {
    out += *f;
    out += kSep;
  }
  out += std::to_string(n.at_ms);
  out += kSep;
  out += lost;
  return out;
}

bool decode_note(std::string_view kind, std::string_view key, std::string_view v, TranslationNote& n) {
  auto f = split(v, kSep);
  if (f.size() != 6) {
    return false;
  }
  n.kind = std::string(kind);
  n.key = std::string(key);
  n.direction = f[0];
  n.source = f[1];
  n.destination = f[2];
  n.refused = f[3];
  try {
    n.at_ms = std::stoll(f[4]);
  } catch (...) {
    return false;
  }
  if (!f[5].empty()) {
    n.lost = split(f[5], kListSep);
  }
  return true;
}

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

TranslationLog::TranslationLog(asio::any_io_executor redis_executor, store::RedisClient& redis,
                               metrics::Metrics* metrics)
    : redis_ex_(std::move(redis_executor)), redis_(redis), metrics_(metrics) {}

std::string TranslationLog::field_label(std::string_view field) {
  std::string out;
  out.reserve(field.size());
  for (std::size_t i = 0; i < field.size(); ++i) {
    out += field[i];
    if (field[i] == '[') {
      std::size_t j = i + 1;
      while (j < field.size() && std::isdigit(static_cast<unsigned char>(field[j]))) {
        ++j;
      }
      if (j < field.size() && field[j] == ']' && j > i + 1) {
        i = j - 1;  // the ']' is copied next
      }
    }
  }
  return out;
}

std::vector<std::vector<std::string>> TranslationLog::commands(const TranslationNote& note) {
  TranslationNote n = note;
  if (n.at_ms == 0) {
    n.at_ms = now_ms();
  }
  const std::string ok = object_key(n.kind, n.key);
  const std::string member = n.kind + kSep + n.key;
  const std::string score = std::to_string(n.at_ms);
  std::vector<std::vector<std::string>> out;
  out.push_back({"HSET", ok, n.destination, encode_note(n)});
  out.push_back({"EXPIRE", ok, kTtlSeconds});
  std::set<std::string> parties{n.source};
  if (n.destination != "*") {
    parties.insert(n.destination);
  }
  for (const auto& p : parties) {
    if (p.empty()) {
      continue;
    }
    out.push_back({"ZADD", party_key(p), score, member});
    out.push_back({"ZREMRANGEBYRANK", party_key(p), "0", kKeepPerParty});
    out.push_back({"EXPIRE", party_key(p), kTtlSeconds});
  }
  return out;
}

void TranslationLog::count(const TranslationNote& note) const {
  if (metrics_ == nullptr) {
    return;
  }
  if (!note.refused.empty()) {
    metrics_->translation_refused(note.direction, note.kind);
  }
  for (const auto& l : note.lost) {
    metrics_->translation_loss(note.direction, note.kind, field_label(l));
  }
}

asio::awaitable<Result<void>> TranslationLog::record(TranslationNote note) {
  count(note);
  auto cmds = commands(note);
  auto r = co_await asio::co_spawn(redis_ex_, redis_.pipeline(std::move(cmds)), asio::use_awaitable);
  if (!r) {
    co_return r.error();
  }
  for (const auto& rep : *r) {
    if (rep.is_error()) {
      co_return make_error_code(Errc::internal);
    }
  }
  co_return Result<void>{};
}

asio::awaitable<Result<std::vector<TranslationNote>>> TranslationLog::of_object(std::string kind, std::string key) {
  std::vector<std::string> c{"HGETALL", object_key(kind, key)};
  auto r = co_await asio::co_spawn(redis_ex_, redis_.command(std::move(c)), asio::use_awaitable);
  if (!r) {
    co_return r.error();
  }
  if (r->is_error()) {
    co_return make_error_code(Errc::internal);
  }
  std::vector<TranslationNote> out;
  for (std::size_t i = 0; i + 1 < r->elements.size(); i += 2) {
    TranslationNote n;
    if (decode_note(kind, key, r->elements[i + 1].str, n)) {
      out.push_back(std::move(n));
    }
  }
  std::sort(out.begin(), out.end(),
            [](const TranslationNote& a, const TranslationNote& b) { return a.destination < b.destination; });
  co_return out;
}

asio::awaitable<Result<std::vector<TranslationNote>>> TranslationLog::list(std::string party, std::size_t limit) {
  std::vector<TranslationNote> out;
  if (limit == 0) {
    co_return out;
  }
  std::vector<std::string> c{"ZREVRANGE", party_key(party), "0", std::to_string(limit - 1)};
  auto r = co_await asio::co_spawn(redis_ex_, redis_.command(std::move(c)), asio::use_awaitable);
  if (!r) {
    co_return r.error();
  }
  if (r->is_error()) {
    co_return make_error_code(Errc::internal);
  }
  // One pipeline for the notes of the page's objects.
  std::vector<std::pair<std::string, std::string>> objects;
  std::vector<std::vector<std::string>> reads;
  for (const auto& m : r->elements) {
    auto sep = m.str.find(kSep);
    if (sep == std::string::npos) {
      continue;
    }
    objects.emplace_back(m.str.substr(0, sep), m.str.substr(sep + 1));
    reads.push_back({"HGETALL", object_key(objects.back().first, objects.back().second)});
  }
  if (reads.empty()) {
    co_return out;
  }
  auto all = co_await asio::co_spawn(redis_ex_, redis_.pipeline(std::move(reads)), asio::use_awaitable);
  if (!all) {
    co_return all.error();
  }
  for (std::size_t o = 0; o < all->size() && o < objects.size(); ++o) {
    const auto& rep = (*all)[o];
    std::vector<TranslationNote> notes;
    for (std::size_t i = 0; i + 1 < rep.elements.size(); i += 2) {
      TranslationNote n;
      if (decode_note(objects[o].first, objects[o].second, rep.elements[i + 1].str, n)) {
        notes.push_back(std::move(n));
      }
    }
    std::sort(notes.begin(), notes.end(),
              [](const TranslationNote& a, const TranslationNote& b) { return a.destination < b.destination; });
    for (auto& n : notes) {
      if (n.source == party || n.destination == party || n.destination == "*") {
        out.push_back(std::move(n));
        if (out.size() >= limit) {
          co_return out;
        }
      }
    }
  }
  co_return out;
}

}  // namespace hub::bus
