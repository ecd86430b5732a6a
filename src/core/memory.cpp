#include "galaxyzoo/core/memory.hpp"

#include <unistd.h>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

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

bool keep_freed_memory() noexcept {
#if defined(__GLIBC__)
  const bool blocks = ::mallopt(M_MMAP_THRESHOLD, kHeapBlockBytes) == 1;
  const bool trim = ::mallopt(M_TRIM_THRESHOLD, kHeapTrimBytes) == 1;
  return blocks && trim;
#else
  return false;
#endif
}

}  // namespace galaxyzoo
