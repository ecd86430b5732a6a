#pragma once
/// @file
/// The machine's memory, and the memory budgets that follow from it by default.
///
/// @code
/// galaxyzoo::ImageLoaderOptions options;   // cache_bytes: default_image_cache_mb() MiB
/// options.cache_bytes = 0;                  // no cache: decode every image every epoch
/// @endcode

#include <cstddef>

namespace galaxyzoo {

/// Physical memory of this machine in bytes; 0 if it cannot be found.
std::size_t physical_memory_bytes() noexcept;

/// The default budget, in MiB, of each image loader's cache of decoded images
/// (ImageLoaderOptions::cache_bytes, the programs' --cache_mb): an eighth of physical
/// memory, or kFallbackImageCacheMb when that is unknown. A training run has two loaders
/// (train and validation), so together they take at most a quarter; with it, a data set
/// that fits is decoded once instead of every epoch.
std::size_t default_image_cache_mb() noexcept;

/// default_image_cache_mb() where physical memory is unknown.
inline constexpr std::size_t kFallbackImageCacheMb = 512;

}  // namespace galaxyzoo
