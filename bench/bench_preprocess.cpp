// bench_preprocess: times the preprocessing step on a list of JPEG files, "decode,
// centre-crop, encode JPEG, write file", with libvips' C++ API or with galaxyzoo.
//
//   bench_preprocess --files list.txt --output_dir /dev/shm/out --mode galaxyzoo --threads 2
//   bench_preprocess --files list.txt --output_dir /dev/shm/out --mode vips --vips_access
//   sequential
//
// Prints one JSON object: the wall-clock and CPU seconds of every timed pass over the
// list. bench/bench_preprocess.py runs it next to Pillow; see docs/benchmarks.md.
//
// Each image, in both modes:
//   decode       the whole JPEG (libvips: new_from_file; galaxyzoo: read_image)
//   crop         the centred crop x crop pixels (libvips: crop; galaxyzoo: ReadOptions)
//   encode       JPEG at --quality, baseline, 4:2:0 (libvips: jpegsave to memory; galaxyzoo:
//   encode_jpeg) write        temporary file, fsync, rename (galaxyzoo::write_file_atomically,
//   which
//                galaxyzoo's write_jpeg uses, on both sides)
// --decode_only times the first step alone, on the whole image.
#include <CLI/CLI.hpp>
#include <galaxyzoo/core/atomic_output.hpp>
#include <galaxyzoo/core/error.hpp>
#include <galaxyzoo/images/image.hpp>

#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <mutex>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>
#include <vips/vips8>

namespace fs = std::filesystem;

namespace {

struct Settings {
  std::string mode = "galaxyzoo";  // "vips" or "galaxyzoo"
  int threads = 1;
  int crop = 256;
  int quality = 75;
  bool decode_only = false;
  // libvips knobs; the defaults are libvips' own.
  std::string vips_access = "random";  // or "sequential"
  int vips_concurrency = 0;            // 0: libvips' default (one per core)
  int vips_cache_max = -1;             // -1: libvips' default (100 operations)
};

double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

fs::path output_for(const fs::path& out_dir, const fs::path& input) {
  return out_dir / (input.stem().string() + "_proc.jpg");
}

// ---- libvips, as its C++ API documentation shows it -----------------------------------

void vips_one(const Settings& s, const fs::path& input, const fs::path& out_dir) {
  vips::VOption* load = vips::VImage::option();
  if (s.vips_access == "sequential") load->set("access", VIPS_ACCESS_SEQUENTIAL);
  vips::VImage image = vips::VImage::new_from_file(input.c_str(), load);
  if (s.decode_only) {
    std::size_t size = 0;
    g_free(image.write_to_memory(&size));
    return;
  }
  const vips::VImage cropped =
      image.crop((image.width() - s.crop) / 2, (image.height() - s.crop) / 2, s.crop, s.crop);
  void* data = nullptr;
  std::size_t size = 0;
  cropped.write_to_buffer(".jpg", &data, &size,
                          vips::VImage::option()->set("Q", s.quality)->set("strip", true));
  try {
    galaxyzoo::write_file_atomically(output_for(out_dir, input),
                                     std::string_view(static_cast<char*>(data), size));
  } catch (...) {
    g_free(data);
    throw;
  }
  g_free(data);
}

// ---- galaxyzoo ------------------------------------------------------------------------

void galaxyzoo_one(const Settings& s, const fs::path& input, const fs::path& out_dir) {
  if (s.decode_only) {
    galaxyzoo::read_image(input);
    return;
  }
  galaxyzoo::ReadOptions options;
  options.crop_width = options.crop_height = s.crop;
  galaxyzoo::write_jpeg(galaxyzoo::read_image(input, options), output_for(out_dir, input),
                        s.quality);
}

// Runs work(i) for every file, on `threads` threads that each take the next index.
void run_all(std::size_t count, int threads, const std::function<void(std::size_t)>& work) {
  std::atomic<std::size_t> next{0};
  std::exception_ptr failure;
  std::mutex failure_mutex;
  const auto worker = [&] {
    try {
      for (std::size_t i = next++; i < count; i = next++) work(i);
    } catch (...) {
      std::lock_guard<std::mutex> lock(failure_mutex);
      if (!failure) failure = std::current_exception();
      next = count;  // stop the others
    }
  };
  if (threads <= 1) {
    worker();
  } else {
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) pool.emplace_back(worker);
    for (auto& thread : pool) thread.join();
  }
  if (failure) std::rethrow_exception(failure);
}

std::vector<fs::path> read_list(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw galaxyzoo::IoError(path, "cannot open the file list");
  std::vector<fs::path> files;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) files.emplace_back(line);
  }
  return files;
}

std::string json_array(const std::vector<double>& values) {
  std::ostringstream out;
  out.precision(9);
  out << '[';
  for (std::size_t i = 0; i < values.size(); ++i) out << (i ? ", " : "") << values[i];
  out << ']';
  return out.str();
}

}  // namespace

int main(int argc, char** argv) {
  Settings s;
  std::string list;
  std::string out_dir;
  int repeats = 3;
  int warmup = 1;
  CLI::App app{"Time decode + centre crop + JPEG encode + write with libvips or galaxyzoo"};
  app.add_option("--files", list, "Text file with one input JPEG per line")->required();
  app.add_option("--output_dir", out_dir,
                 "Folder for the outputs (put it on tmpfs to time the CPU work)")
      ->required();
  app.add_option("--mode", s.mode, "vips or galaxyzoo")
      ->check(CLI::IsMember({"vips", "galaxyzoo"}));
  app.add_option("--threads", s.threads, "Worker threads")->check(CLI::Range(1, 256));
  app.add_option("--crop", s.crop, "Centred crop size")->check(CLI::PositiveNumber);
  app.add_option("--quality", s.quality, "JPEG quality")->check(CLI::Range(1, 100));
  app.add_flag("--decode_only", s.decode_only, "Only decode each whole image");
  app.add_option("--repeats", repeats, "Timed passes over the list")->check(CLI::PositiveNumber);
  app.add_option("--warmup", warmup, "Untimed passes first")->check(CLI::NonNegativeNumber);
  app.add_option("--vips_access", s.vips_access,
                 "libvips load access: random (default) or sequential")
      ->check(CLI::IsMember({"random", "sequential"}));
  app.add_option("--vips_concurrency", s.vips_concurrency,
                 "vips_concurrency_set(N); 0 keeps libvips' default");
  app.add_option("--vips_cache_max", s.vips_cache_max,
                 "vips_cache_set_max(N); -1 keeps libvips' default");
  CLI11_PARSE(app, argc, argv);

  try {
    const std::vector<fs::path> files = read_list(list);
    fs::create_directories(out_dir);
    if (s.mode == "vips") {
      if (VIPS_INIT(argv[0]) != 0)
        throw galaxyzoo::Error(std::string("VIPS_INIT: ") + vips_error_buffer());
      if (s.vips_concurrency > 0) vips_concurrency_set(s.vips_concurrency);
      if (s.vips_cache_max >= 0) vips_cache_set_max(s.vips_cache_max);
    }
    const auto one = [&](std::size_t i) {
      if (s.mode == "vips") {
        vips_one(s, files[i], out_dir);
      } else {
        galaxyzoo_one(s, files[i], out_dir);
      }
    };

    for (int w = 0; w < warmup; ++w) run_all(files.size(), s.threads, one);
    std::vector<double> wall;
    std::vector<double> cpu;
    for (int r = 0; r < repeats; ++r) {
      const double cpu_start = cpu_seconds();
      const auto start = std::chrono::steady_clock::now();
      run_all(files.size(), s.threads, one);
      wall.push_back(
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
      cpu.push_back(cpu_seconds() - cpu_start);
    }

    std::cout << "{\"mode\": \"" << s.mode << "\", \"threads\": " << s.threads
              << ", \"images\": " << files.size()
              << ", \"decode_only\": " << (s.decode_only ? "true" : "false")
              << ", \"vips_access\": \"" << s.vips_access
              << "\", \"vips_concurrency\": " << s.vips_concurrency
              << ", \"vips_cache_max\": " << s.vips_cache_max
              << ", \"wall_seconds\": " << json_array(wall)
              << ", \"cpu_seconds\": " << json_array(cpu) << "}\n";
  } catch (const vips::VError& e) {
    std::cerr << "bench_preprocess: libvips: " << e.what() << '\n';
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "bench_preprocess: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
