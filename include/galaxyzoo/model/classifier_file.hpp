#pragma once
/// @file
/// Model files: a trained VGG16Classifier with its class names, saved in a form that
/// Python's `torch.load` reads as a plain state dict, and the model files of the original
/// Python workflow and of torchvision read back.
///
/// @code
/// galaxyzoo::save_classifier(model, {"round", "in-between", "cigar", "edge-on", "spiral"},
///                            "final_vgg16_model.pt");
/// galaxyzoo::LoadedClassifier loaded = galaxyzoo::load_classifier("final_vgg16_model.pt");
/// galaxyzoo::load_vgg16_features(*model, "vgg16_imagenet.pth");   // torchvision weights
/// @endcode
///
/// The format (docs/python.md): a zip archive as `torch.save` writes it (zip_archive.hpp,
/// torch_save_file.hpp), holding
///  - `archive/data.pkl` and `archive/data/N`: an OrderedDict of every parameter and buffer
///    under the module's names, `features.0.weight` ... `features.28.bias` (torchvision's)
///    and `head.1.weight` ... `head.9.bias` (with the batch-norm statistics), so that
///    `torch.load(path)` is a state dict for torchvision's `vgg16().features` plus the head;
///  - `archive/galaxyzoo.json`: what the weights do not say: format name and version 2,
///    class names, image size, the head's sizes and dropouts, freeze_before, and the input's
///    preprocessing (scale 1/255, ImageNet mean and standard deviation);
///  - `archive/version`, as `torch.save` writes it.
///
/// Damage is found before any record is parsed: every record carries the zip format's
/// CRC-32, and the whole directory is checked (CorruptFileError naming the file).
///
/// load_classifier() also reads
///  - model files of galaxyzoo 0.1.0 (a 32-byte `GZSEALED` header before a LibTorch archive);
///  - the original workflow's files: `torch.save(model.state_dict())` (an OrderedDict with
///    `body.N` and `head.N` names, or `features.N`), and its checkpoints and final model
///    (`torch.save({'epoch', 'layer', 'model_state_dict', 'optimizer_state_dict'})`); the
///    image size and head sizes come from the tensors' shapes, `layer` gives freeze_before,
///    the class names are the workflow's five (galaxy_class_names()), the dropouts the
///    original's 0.5 and 0.3. A `module.` prefix (nn.DataParallel) is dropped.

#include <filesystem>
#include <string>
#include <vector>

#include "galaxyzoo/model/vgg16_classifier.hpp"

namespace galaxyzoo {

/// Copies the features weights of a `torch.save` file into @p model.
///
/// The file may be torchvision's VGG16 state dict, as any machine with torchvision writes it:
///
/// @code{.py}
/// import torch, torchvision
/// torch.save(torchvision.models.vgg16(weights="IMAGENET1K_V1").state_dict(),
///            "vgg16_imagenet.pth")
/// @endcode
///
/// or any file load_classifier() reads (a galaxyzoo model, the original's model or
/// checkpoint: their `body.N` weights are the features). Keys of torchvision's own head
/// (`classifier.`) and of ours (`head.`) are ignored; every parameter of `features` must be
/// present with its shape, and no other key may appear.
/// @throws galaxyzoo::IoError if the file cannot be read (CorruptFileError if damaged);
///         galaxyzoo::Error naming the file and key for a missing, unexpected or mis-shaped
///         tensor, or naming the file if it holds no state dict.
void load_vgg16_features(VGG16ClassifierImpl& model, const std::filesystem::path& file);

/// Writes @p model (weights, batch-norm statistics, options) and @p class_names to one
/// file, atomically, in the format of the file comment.
/// @throws galaxyzoo::Error if the number of names is not the model's number of classes;
///         galaxyzoo::IoError if the file cannot be written.
void save_classifier(const VGG16Classifier& model, const std::vector<std::string>& class_names,
                     const std::filesystem::path& file);

/// A classifier read back by load_classifier().
struct LoadedClassifier {
  VGG16Classifier model{nullptr};        ///< on the CPU, in training mode
  std::vector<std::string> class_names;  ///< by label
};

/// Reads a file written by save_classifier(), by galaxyzoo 0.1.0, or by the original
/// workflow (see the file comment).
/// @throws galaxyzoo::IoError if it cannot be read; galaxyzoo::CorruptFileError if it is
///         damaged; galaxyzoo::Error naming the file (and key) if it is not a VGG16
///         classifier that galaxyzoo can read, such as a whole pickled model
///         (`torch.save(model)`), a TorchScript file, or tensors of other names or shapes.
LoadedClassifier load_classifier(const std::filesystem::path& file);

}  // namespace galaxyzoo
