#include "galaxyzoo/study_storage.hpp"

#include <algorithm>

#include "galaxyzoo/error.hpp"
#include "galaxyzoo/sqlite_storage.hpp"

namespace galaxyzoo {

namespace {

// Applies "key=value&key=value" to SQLite options.
SqliteStorageOptions sqlite_options(const std::string& url, const std::string& query) {
  SqliteStorageOptions options;
  std::size_t at = 0;
  while (at <= query.size()) {
    const auto end = std::min(query.find('&', at), query.size());
    const std::string item = query.substr(at, end - at);
    at = end + 1;
    if (item.empty()) continue;
    const auto eq = item.find('=');
    const std::string key = item.substr(0, eq), value = eq == std::string::npos ? "" : item.substr(eq + 1);
    if (key == "journal_mode" && (value == "wal" || value == "delete")) {
      options.wal = value == "wal";
    } else if (key == "synchronous" && (value == "normal" || value == "full")) {
      options.synchronous_full = value == "full";
    } else if (key == "busy_timeout_ms" && !value.empty() && value.find_first_not_of("0123456789") == std::string::npos &&
               value.size() < 10) {
      options.busy_timeout_ms = std::stoi(value);
    } else {
      throw Error("storage URL '" + url + "': unknown option '" + item +
                  "' (expected journal_mode=wal|delete, synchronous=normal|full, busy_timeout_ms=N)");
    }
  }
  return options;
}

}  // namespace

std::unique_ptr<StudyStorage> open_storage(const std::string& url) {
  const std::string sqlite = "sqlite:///";
  if (url.rfind(sqlite, 0) == 0) {
    const auto question = url.find('?');
    const std::string path = url.substr(sqlite.size(), question == std::string::npos ? std::string::npos : question - sqlite.size());
    if (path.empty()) throw Error("storage URL '" + url + "' names no file");
    const std::string query = question == std::string::npos ? "" : url.substr(question + 1);
    return std::make_unique<SqliteStorage>(path, sqlite_options(url, query));
  }
  const auto scheme = url.find("://");
  if (scheme != std::string::npos) {
    throw Error("storage URL '" + url + "': unknown scheme '" + url.substr(0, scheme) +
                "' (expected sqlite:///path or a file path)");
  }
  if (url.empty()) throw Error("empty storage URL (expected sqlite:///path or a file path)");
  return std::make_unique<SqliteStorage>(url);
}

}  // namespace galaxyzoo
