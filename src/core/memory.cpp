#include "galaxyzoo/core/memory.hpp"

#include <unistd.h>

namespace galaxyzoo {

std::size_t physical_memory_bytes() noexcept {
  const long pages = ::sysconf(_SC_PHYS_PAGES);
  const long page_size = ::sysconf(_SC_PAGE_SIZE);
  if (pages <= 0 || page_size <= 0) return 0;
  return static_cast<std::size_t>(pages) * static_cast<std::size_t>(page_size);
}

std::size_t default_image_cache_mb() noexcept {
  const std::size_t bytes = physical_memory_bytes();
  return bytes == 0 ? kFallbackImageCacheMb : (bytes / 8) >> 20;
}

}  // namespace galaxyzoo
