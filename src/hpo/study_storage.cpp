#include "galaxyzoo/hpo/study_storage.hpp"

#include <algorithm>
#include <chrono>

#include "galaxyzoo/core/error.hpp"
#include "galaxyzoo/hpo/postgres_storage.hpp"
#include "galaxyzoo/hpo/sqlite_storage.hpp"
#include "hpo/study_storage_common.hpp"

#include "core/process_liveness.hpp"

namespace galaxyzoo {

namespace detail {

double unix_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

bool worker_has_exited(const std::string& worker) {
  const auto first = worker.find(':');
  if (first == std::string::npos || first == 0) return false;
  const auto second = worker.find(':', first + 1);
  const std::string_view name(worker);
  return local_process_has_exited(
      name.substr(0, first),
      name.substr(first + 1,
                  second == std::string::npos ? std::string_view::npos : second - first - 1));
}

bool may_take_over(bool heartbeat_stale, const std::string& worker) {
  return heartbeat_stale || worker_has_exited(worker);
}

void check_study_format(const std::string& where, const std::string& container,
                        const std::string& format, const std::string& version) {
  if (format != kStudyFormat)
    throw Error(where + " is not a galaxyzoo study (format '" + format + "')");
  if (version != std::to_string(kStudySchemaVersion)) {
    throw Error(where + " has study schema version " + (version.empty() ? "(none)" : version) +
                "; this galaxyzoo reads version " + std::to_string(kStudySchemaVersion) +
                ": use a new " + container + " or the galaxyzoo version that wrote it");
  }
}

namespace {

// What differs between two spaces, e.g. "parameter 'lr' differs; new parameter 'momentum'".
std::string space_difference(const SearchSpace& stored, const SearchSpace& given) {
  std::string out;
  auto add = [&](const std::string& text) { out += (out.empty() ? "" : "; ") + text; };
  auto find = [](const SearchSpace& s, const std::string& name) -> const Parameter* {
    for (const auto& p : s.parameters()) {
      if (p.name == name) return &p;
    }
    return nullptr;
  };
  for (const auto& p : stored.parameters()) {
    const Parameter* q = find(given, p.name);
    if (q == nullptr) {
      add("parameter '" + p.name + "' is missing");
    } else if (!(p == *q)) {
      add("parameter '" + p.name + "' differs");
    }
  }
  for (const auto& q : given.parameters()) {
    if (find(stored, q.name) == nullptr) add("new parameter '" + q.name + "'");
  }
  return out.empty() ? "parameter order differs" : out;
}

}  // namespace

void check_same_study(const std::string& where, const std::string& container,
                      const StudyConfig& stored, const StudyConfig& given) {
  if (stored.name != given.name) {
    throw Error(where + " holds study '" + stored.name + "', not '" + given.name +
                "': use another " + container + " or that study name");
  }
  if (!(stored.space == given.space)) {
    throw Error(where + ": study '" + stored.name + "' was created with another search space (" +
                space_difference(stored.space, given.space) +
                "); start a new study to search a different space");
  }
}

Assignment sample_new_trial(const Sampler& sampler, const SearchSpace& space,
                            const std::vector<Trial>& trials, std::int64_t number) {
  Assignment params = sampler.sample(space, trials, number);
  if (!space.contains(params)) {
    throw Error("sampler '" + sampler.name() +
                "' proposed parameters outside the study's search space for trial " +
                std::to_string(number));
  }
  return params;
}

}  // namespace detail

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
    const std::string key = item.substr(0, eq),
                      value = eq == std::string::npos ? "" : item.substr(eq + 1);
    if (key == "journal_mode" && (value == "wal" || value == "delete")) {
      options.wal = value == "wal";
    } else if (key == "synchronous" && (value == "normal" || value == "full")) {
      options.synchronous_full = value == "full";
    } else if (key == "busy_timeout_ms" && !value.empty() &&
               value.find_first_not_of("0123456789") == std::string::npos && value.size() < 10) {
      options.busy_timeout_ms = std::stoi(value);
    } else {
      throw Error(
          "storage URL '" + url + "': unknown option '" + item +
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
    const std::string path =
        url.substr(sqlite.size(),
                   question == std::string::npos ? std::string::npos : question - sqlite.size());
    if (path.empty()) throw Error("storage URL '" + url + "' names no file");
    const std::string query = question == std::string::npos ? "" : url.substr(question + 1);
    return std::make_unique<SqliteStorage>(path, sqlite_options(url, query));
  }
  if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0) {
#ifdef GALAXYZOO_HAVE_POSTGRESQL
    return std::make_unique<PostgresStorage>(url);
#else
    throw Error("storage URL '" + postgres_url_without_password(url) +
                "': this galaxyzoo was built without PostgreSQL (configure with libpq and "
                "-DGALAXYZOO_WITH_POSTGRESQL=ON)");
#endif
  }
  const auto scheme = url.find("://");
  if (scheme != std::string::npos) {
    throw Error("storage URL '" + url + "': unknown scheme '" + url.substr(0, scheme) +
                "' (expected sqlite:///path, postgresql://... or a file path)");
  }
  if (url.empty())
    throw Error("empty storage URL (expected sqlite:///path, postgresql://... or a file path)");
  return std::make_unique<SqliteStorage>(url);
}

}  // namespace galaxyzoo

namespace galaxyzoo {

std::string postgres_url_without_password(const std::string& url) {
  std::string out = url;
  const auto scheme = out.find("://");
  if (scheme != std::string::npos) {
    const auto begin = scheme + 3;
    const auto end = std::min(out.find_first_of("/?", begin), out.size());
    const auto at = out.rfind('@', end);
    if (at != std::string::npos && at >= begin) {
      const auto colon = out.find(':', begin);
      if (colon < at) out.replace(colon + 1, at - colon - 1, "***");
    }
  }
  for (auto p = out.find("password="); p != std::string::npos; p = out.find("password=", p + 1)) {
    if (p > 0 && out[p - 1] != '?' && out[p - 1] != '&' && out[p - 1] != ' ') continue;
    const auto value = p + 9;
    const auto end = std::min(out.find_first_of("& ", value), out.size());
    out.replace(value, end - value, "***");
  }
  return out;
}

}  // namespace galaxyzoo
