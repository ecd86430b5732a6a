#define BOOST_TEST_MODULE memory
#include <boost/test/unit_test.hpp>

#include <malloc.h>
#include <unistd.h>

#include <cstdlib>

#include "galaxyzoo/core/memory.hpp"

namespace gz = galaxyzoo;

// The sanitizer builds replace glibc's malloc by the sanitizers' own allocator, which
// ignores mallopt(): there keep_freed_memory() has nothing to act on.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool kGlibcMalloc = false;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
constexpr bool kGlibcMalloc = false;
#else
constexpr bool kGlibcMalloc = true;
#endif
#else
constexpr bool kGlibcMalloc = true;
#endif

BOOST_AUTO_TEST_CASE(physical_memory_is_what_the_system_reports) {
  const auto bytes = gz::physical_memory_bytes();
  BOOST_TEST(bytes > 0u);
  BOOST_TEST(bytes == static_cast<std::size_t>(::sysconf(_SC_PHYS_PAGES)) *
                          static_cast<std::size_t>(::sysconf(_SC_PAGE_SIZE)));
}

BOOST_AUTO_TEST_CASE(the_image_cache_gets_an_eighth_of_it) {
  BOOST_TEST(gz::default_image_cache_mb() == (gz::physical_memory_bytes() / 8) >> 20);
  BOOST_TEST(gz::default_image_cache_mb() > 0u);
}

// Whether a fresh block of @p bytes is a mapping of its own rather than heap memory.
bool mapped_on_its_own(std::size_t bytes) {
  const auto before = ::mallinfo2().hblkhd;
  void* block = std::malloc(bytes);
  BOOST_REQUIRE(block != nullptr);
  const bool mapped = ::mallinfo2().hblkhd > before;
  std::free(block);
  return mapped;
}

BOOST_AUTO_TEST_CASE(freed_memory_is_kept_for_reuse, *boost::unit_test::enable_if<kGlibcMalloc>()) {
  // glibc's default: a block of 1 MiB is a mapping of its own (in a fresh process).
  BOOST_TEST(mapped_on_its_own(1 << 20));
  BOOST_TEST(gz::keep_freed_memory());
  BOOST_TEST(!mapped_on_its_own(1 << 20));
  BOOST_TEST(!mapped_on_its_own(gz::kHeapBlockBytes - (1 << 20)));
  BOOST_TEST(mapped_on_its_own(2 * static_cast<std::size_t>(gz::kHeapBlockBytes)));
}
