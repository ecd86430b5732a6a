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

/// Blocks up to this size come from malloc's heap after keep_freed_memory(), not from
/// a fresh mapping of their own (glibc allows at most 32 MiB).
inline constexpr int kHeapBlockBytes = 32 << 20;
/// After keep_freed_memory(), the heap gives memory back to the kernel only when this
/// much lies free at its top.
inline constexpr int kHeapTrimBytes = 512 << 20;

/// Makes glibc's malloc keep freed memory for reuse rather than hand it back to the kernel
/// at once (kHeapBlockBytes, kHeapTrimBytes). Every training step of LibTorch frees and
/// allocates again the same large tensors (activations, gradients, the optimiser's
/// temporaries); by default blocks above a few hundred KiB are mappings of their own,
/// returned on free, whose pages the next step faults in again. Measured with
/// train_model at 64 px: 4x fewer page faults and about 10 % less CPU time for the same
/// epochs (docs/benchmarks.md). The memory kept is at most kHeapTrimBytes more than the
/// peak in use. Process-wide and for the whole process: the example programs call it
/// first thing; a program that links galaxyzoo decides for itself. Returns whether both
/// settings took (false with another C library, where it does nothing).
bool keep_freed_memory() noexcept;

}  // namespace galaxyzoo
