// SPDX-License-Identifier: GPL-2.0-or-later
// hubctl: the operator's command line over the admin API.
#include <hub/core/io_context.hpp>
#include <adapters/http_client.hpp>
#include <hub/config/config.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <rapidjson/document.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdlib>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace {

namespace asio = boost::asio;
using hub::http::ClientRequest;
using hub::http::ClientResult;

constexpr const char* kUsage = R"(usage: hubctl [--admin-url URL] [--token TOKEN | --token-file FILE] [--config FILE] COMMAND

commands:
  party add --name NAME --protocol ocpi|ochp --role ROLE:CC:PID [--role ...] [--username U --password P]
            [--realtime-authorize]   (OCPI eMSP: OCHP CPOs' single authorisations ask it in real time)
            ROLE is CPO, EMSP, NAP, NSP, OTHER or SCSP; an OCHP id DE*ABC may be given as CPO:DE*ABC
  party list [--protocol ocpi|ochp] [--status connected|offline|planned|suspended] [--json]
  party show ID
  party suspend ID
  party resume ID
  party remove ID
  party connect ID --versions-url URL --token TOKEN_A
            the hub registers itself with an OCPI platform (its versions URL and token A)
  deliveries list --party ID [--state pending|dead] [--limit N] [--json]
  deliveries retry DELIVERY_ID
  deliveries retry-dead --party ID

The admin URL defaults to http://<admin.listen> of --config, else http://127.0.0.1:9090 (env HUB_ADMIN_URL).
The token comes from --token, HUB_ADMIN_TOKEN, --token-file, the config, or <data_dir>/admin-token.
)";

struct Options {
  std::string admin_url;
  std::string token;
  std::vector<std::string> args;
};

std::optional<std::string> env(const char* name) {
  if (const char* v = std::getenv(name)) {
    return std::string(v);
  }
  return std::nullopt;
}

std::string read_first_line(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

std::string json_string(std::string_view s) {
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
  return sb.GetString();
}

std::string pretty(const std::string& body) {
  rapidjson::Document doc;
  doc.Parse(body.c_str());
  if (doc.HasParseError()) {
    return body;
  }
  rapidjson::StringBuffer sb;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> w(sb);
  w.SetIndent(' ', 2);
  doc.Accept(w);
  return sb.GetString();
}

ClientResult call(const Options& o, const std::string& method, const std::string& path, const std::string& body = {}) {
  hub::IoContext ioc;
  hub::http::ClientOptions co;
  hub::http::HttpClient client(ioc.get_executor(), co);
  ClientRequest req;
  req.method = method;
  req.url = o.admin_url + path;
  req.headers.emplace_back("Authorization", "Bearer " + o.token);
  req.headers.emplace_back("Accept", "application/json");
  if (!body.empty()) {
    req.headers.emplace_back("Content-Type", "application/json");
    req.body = body;
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  auto fut = asio::co_spawn(ioc, client.request(std::move(req), deadline), asio::use_future);
  ioc.run();
  return fut.get();
}

/// Prints the answer; returns the exit code (0 for 2xx, 1 otherwise).
int report(const ClientResult& r, bool print_body = true) {
  if (r.status == 0) {
    std::cerr << "hubctl: cannot reach the admin API: " << r.error << "\n";
    return 1;
  }
  if (r.status >= 300) {
    rapidjson::Document doc;
    doc.Parse(r.response.body.c_str());
    std::string message = r.response.body;
    if (!doc.HasParseError() && doc.IsObject() && doc.HasMember("error") && doc["error"].IsString()) {
      message = doc["error"].GetString();
      if (doc.HasMember("field") && doc["field"].IsString()) {
        message += std::string(" (") + doc["field"].GetString() + ")";
      }
    }
    std::cerr << "hubctl: HTTP " << r.status << ": " << message << "\n";
    return 1;
  }
  if (print_body && !r.response.body.empty()) {
    std::cout << pretty(r.response.body) << "\n";
  }
  return 0;
}

std::optional<std::string> flag(std::vector<std::string>& args, const std::string& name) {
  for (std::size_t i = 0; i + 1 < args.size(); ++i) {
    if (args[i] == name) {
      auto v = args[i + 1];
      args.erase(args.begin() + static_cast<long>(i), args.begin() + static_cast<long>(i) + 2);
      return v;
    }
  }
  return std::nullopt;
}

bool bool_flag(std::vector<std::string>& args, const std::string& name) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == name) {
      args.erase(args.begin() + static_cast<long>(i));
      return true;
    }
  }
  return false;
}

/// "CPO:DE:ABC" or "CPO:DE*ABC" / "CPO:DEABC" -> JSON role object.
std::optional<std::string> role_json(const std::string& spec) {
  auto colon = spec.find(':');
  if (colon == std::string::npos) {
    return std::nullopt;
  }
  std::string role = spec.substr(0, colon);
  std::string rest = spec.substr(colon + 1);
  std::string cc;
  std::string pid;
  auto second = rest.find(':');
  if (second != std::string::npos) {
    cc = rest.substr(0, second);
    pid = rest.substr(second + 1);
  } else if (rest.size() == 5) {
    cc = rest.substr(0, 2);
    pid = rest.substr(2);
  } else if (rest.size() == 6 && (rest[2] == '*' || rest[2] == '-')) {
    cc = rest.substr(0, 2);
    pid = rest.substr(3);
  } else {
    return std::nullopt;
  }
  for (auto& c : role) {
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return "{\"role\":" + json_string(role) + ",\"country_code\":" + json_string(cc) + ",\"party_id\":" +
         json_string(pid) + "}";
}

int party_add(const Options& o, std::vector<std::string> args) {
  auto name = flag(args, "--name");
  auto protocol = flag(args, "--protocol");
  std::vector<std::string> roles;
  while (auto r = flag(args, "--role")) {
    auto j = role_json(*r);
    if (!j) {
      std::cerr << "hubctl: --role must look like CPO:DE:ABC or CPO:DE*ABC, got '" << *r << "'\n";
      return 2;
    }
    roles.push_back(*j);
  }
  auto username = flag(args, "--username");
  auto password = flag(args, "--password");
  const bool realtime = bool_flag(args, "--realtime-authorize");
  if (!name || !protocol || roles.empty() || !args.empty()) {
    std::cerr << "hubctl: party add needs --name, --protocol and at least one --role\n" << kUsage;
    return 2;
  }
  std::string body = "{\"name\":" + json_string(*name) + ",\"protocol\":" + json_string(*protocol) + ",\"roles\":[";
  for (std::size_t i = 0; i < roles.size(); ++i) {
    body += (i ? "," : "") + roles[i];
  }
  body += "]";
  if (username) {
    body += ",\"username\":" + json_string(*username);
  }
  if (password) {
    body += ",\"password\":" + json_string(*password);
  }
  if (realtime) {
    body += ",\"realtime_authorize\":true";
  }
  body += "}";
  return report(call(o, "POST", "/admin/parties", body));
}

int party_list(const Options& o, std::vector<std::string> args) {
  auto protocol = flag(args, "--protocol");
  auto status = flag(args, "--status");
  bool as_json = bool_flag(args, "--json");
  if (!args.empty()) {
    std::cerr << "hubctl: unexpected argument '" << args.front() << "'\n";
    return 2;
  }
  std::string path = "/admin/parties";
  std::string sep = "?";
  if (protocol) {
    path += sep + "protocol=" + *protocol;
    sep = "&";
  }
  if (status) {
    path += sep + "status=" + *status;
  }
  auto r = call(o, "GET", path);
  if (as_json || r.status != 200) {
    return report(r);
  }
  rapidjson::Document doc;
  doc.Parse(r.response.body.c_str());
  if (doc.HasParseError() || !doc.IsArray()) {
    std::cerr << "hubctl: unexpected answer from the admin API\n";
    return 1;
  }
  std::cout << std::left << std::setw(20) << "ID" << std::setw(28) << "NAME" << std::setw(10) << "PROTOCOL"
            << std::setw(11) << "STATUS" << "ROLES\n";
  for (const auto& p : doc.GetArray()) {
    std::string roles;
    for (const auto& role : p["roles"].GetArray()) {
      roles += std::string(roles.empty() ? "" : ",") + role["role"].GetString() + ":" + role["country_code"].GetString() +
               "*" + role["party_id"].GetString();
    }
    std::cout << std::left << std::setw(20) << p["id"].GetString() << std::setw(28) << p["name"].GetString()
              << std::setw(10) << p["protocol"].GetString() << std::setw(11) << p["status"].GetString() << roles
              << "\n";
  }
  return 0;
}

int deliveries(const Options& o, const std::string& command, std::vector<std::string> args) {
  if (command == "list") {
    auto party = flag(args, "--party");
    auto state = flag(args, "--state").value_or("pending");
    auto limit = flag(args, "--limit").value_or("100");
    bool as_json = bool_flag(args, "--json");
    if (!party || !args.empty()) {
      std::cerr << "hubctl: deliveries list needs --party ID\n";
      return 2;
    }
    auto r = call(o, "GET", "/admin/deliveries?party=" + *party + "&state=" + state + "&limit=" + limit);
    if (as_json || r.status != 200) {
      return report(r);
    }
    rapidjson::Document doc;
    doc.Parse(r.response.body.c_str());
    if (doc.HasParseError() || !doc.IsArray()) {
      std::cerr << "hubctl: unexpected answer from the admin API\n";
      return 1;
    }
    std::cout << std::left << std::setw(44) << "ID" << std::setw(16) << "KIND" << std::setw(30) << "KEY"
              << (state == "dead" ? "REASON" : "") << "\n";
    for (const auto& d : doc.GetArray()) {
      std::cout << std::left << std::setw(44) << d["id"].GetString() << std::setw(16) << d["kind"].GetString()
                << std::setw(30) << d["key"].GetString();
      if (d.HasMember("reason") && d["reason"].IsString()) {
        std::cout << d["reason"].GetString();
      }
      std::cout << "\n";
    }
    return 0;
  }
  if (command == "retry" && args.size() == 1) {
    return report(call(o, "POST", "/admin/deliveries/" + args[0] + "/retry"));
  }
  if (command == "retry-dead") {
    auto party = flag(args, "--party");
    if (!party || !args.empty()) {
      std::cerr << "hubctl: deliveries retry-dead needs --party ID\n";
      return 2;
    }
    return report(call(o, "POST", "/admin/parties/" + *party + "/deliveries/retry-dead"));
  }
  std::cerr << kUsage;
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || bool_flag(args, "--help") || bool_flag(args, "-h")) {
    std::cout << kUsage;
    return args.empty() ? 2 : 0;
  }
  auto admin_url = flag(args, "--admin-url");
  auto token = flag(args, "--token");
  auto token_file = flag(args, "--token-file");
  auto config_path = flag(args, "--config");

  std::optional<hub::config::Config> config;
  try {
    if (config_path) {
      config = hub::config::load_file(std::filesystem::path(*config_path), hub::config::process_env());
    }
  } catch (const std::exception& e) {
    std::cerr << "hubctl: configuration error: " << e.what() << "\n";
    return 2;
  }
  if (admin_url) {
    o.admin_url = *admin_url;
  } else if (auto e = env("HUB_ADMIN_URL")) {
    o.admin_url = *e;
  } else if (config) {
    auto host = config->admin.listen.host == "0.0.0.0" ? std::string("127.0.0.1") : config->admin.listen.host;
    o.admin_url = "http://" + host + ":" + std::to_string(config->admin.listen.port);
  } else {
    o.admin_url = "http://127.0.0.1:9090";
  }
  while (!o.admin_url.empty() && o.admin_url.back() == '/') {
    o.admin_url.pop_back();
  }
  if (token) {
    o.token = *token;
  } else if (auto e = env("HUB_ADMIN_TOKEN")) {
    o.token = *e;
  } else if (token_file) {
    o.token = read_first_line(*token_file);
  } else if (config && !config->admin_token.empty()) {
    o.token = config->admin_token;
  } else {
    auto dir = config ? config->data_dir.string() : std::string("var");
    o.token = read_first_line(dir + "/admin-token");
  }

  if (args.size() >= 2 && args[0] == "deliveries") {
    return deliveries(o, args[1], std::vector<std::string>(args.begin() + 2, args.end()));
  }
  if (args.size() < 2 || args[0] != "party") {
    std::cerr << kUsage;
    return 2;
  }
  auto command = args[1];
  std::vector<std::string> rest(args.begin() + 2, args.end());
  if (command == "add") {
    return party_add(o, rest);
  }
  if (command == "list") {
    return party_list(o, rest);
  }
  if (command == "connect") {
    auto versions_url = flag(rest, "--versions-url");
    auto token = flag(rest, "--token");
    if (!versions_url || !token || rest.size() != 1) {
      std::cerr << "hubctl: party connect needs ID --versions-url URL --token TOKEN_A\n";
      return 2;
    }
    rapidjson::StringBuffer sb;
    rapidjson::Writer<rapidjson::StringBuffer> w(sb);
    w.StartObject();
    w.Key("versions_url");
    w.String(versions_url->c_str());
    w.Key("token");
    w.String(token->c_str());
    w.EndObject();
    return report(call(o, "POST", "/admin/parties/" + rest[0] + "/connect", sb.GetString()));
  }
  if (rest.size() != 1) {
    std::cerr << "hubctl: party " << command << " needs exactly one party id\n";
    return 2;
  }
  const std::string path = "/admin/parties/" + rest[0];
  if (command == "show") {
    return report(call(o, "GET", path));
  }
  if (command == "suspend") {
    return report(call(o, "PATCH", path, R"({"status":"suspended"})"));
  }
  if (command == "resume") {
    return report(call(o, "PATCH", path, R"({"status":"connected"})"));
  }
  if (command == "remove") {
    int rc = report(call(o, "DELETE", path), false);
    if (rc == 0) {
      std::cout << "removed " << rest[0] << "\n";
    }
    return rc;
  }
  std::cerr << "hubctl: unknown command 'party " << command << "'\n" << kUsage;
  return 2;
}
