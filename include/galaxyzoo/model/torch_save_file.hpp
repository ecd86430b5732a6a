#pragma once
/// @file
/// Python's `torch.save` format read and written without Python: what moves models
/// between galaxyzoo and PyTorch (docs/python.md).
///
/// @code
/// const galaxyzoo::ZipReader zip("final_vgg16_model.pth");   // CRC-checked
/// c10::IValue value = galaxyzoo::read_torch_save(zip);       // e.g. a dict of tensors
///
/// galaxyzoo::ZipWriter writer;
/// galaxyzoo::add_state_dict(writer, "model", {{"features.0.weight", w}, {"features.0.bias", b}});
/// galaxyzoo::write_file_atomically("model.pt", writer.finish());   // torch.load reads it
/// @endcode
///
/// A `torch.save` file is a zip archive (zip_archive.hpp) with one folder: `data.pkl`, a
/// pickle whose tensors point at records `data/KEY` holding their storages, and `version`.
/// read_torch_save() runs its own pickle reader, which knows the subset that `torch.save`
/// writes for state dicts, checkpoints and optimiser states: dicts and OrderedDicts (read
/// as dicts in file order; an OrderedDict's `_metadata` is dropped), lists, tuples, str,
/// int, float, bool, None and CPU tensors (float, double, half, bfloat16, int64, int32,
/// int16, int8, uint8, bool). LibTorch's own reader (torch::pickle_load) refuses the
/// OrderedDict that `model.state_dict()` returns; this one does not. Anything else, such
/// as a whole model saved with `torch.save(model)`, is refused with an Error naming the
/// file and the Python class.

#include <torch/types.h>

#include <string>
#include <utility>
#include <vector>

#include "galaxyzoo/core/zip_archive.hpp"

namespace galaxyzoo {

/// The value that `torch.save` pickled into @p zip; dicts come back as generic dicts
/// (c10::impl::GenericDict) in the file's order, tuples as tuples, tensors on the CPU.
/// @throws CorruptFileError naming the file if the pickle or a storage is damaged or
///         missing; Error naming the file for a pickle outside the subset (see the file
///         comment), a TorchScript archive (torch.jit.save) or big-endian storages.
c10::IValue read_torch_save(const ZipReader& zip);

/// Adds to @p zip what `torch.save(OrderedDict(tensors))` writes, in folder @p folder:
/// `FOLDER/data.pkl`, `FOLDER/data/0` ... and `FOLDER/version`. Python's `torch.load` reads
/// it back as an OrderedDict of name -> tensor (copied to the CPU, contiguous).
/// @throws Error for a tensor of a type outside the list of the file comment.
void add_state_dict(ZipWriter& zip, const std::string& folder,
                    const std::vector<std::pair<std::string, torch::Tensor>>& tensors);

}  // namespace galaxyzoo
