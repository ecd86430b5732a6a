#define BOOST_TEST_MODULE memory
#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include "galaxyzoo/core/memory.hpp"

namespace gz = galaxyzoo;

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
