#pragma once
/// @file
/// Umbrella header of the whole library: galaxyzoo.hpp plus the parts that include
/// LibTorch's headers (the VGG16 model, the device, the image loader, training,
/// classification, data-parallel training, the VGG16 search objective and the evaluator).
/// A translation unit that includes it takes about half a minute to compile; include the
/// single headers you need where that matters.
///
/// @code
/// #include <galaxyzoo/galaxyzoo_torch.hpp>
///
/// int main() {
///   galaxyzoo::GalaxyClassifier classifier("final_vgg16_model.pt");  // CUDA if present
///   auto probabilities = classifier.classify_files({"100008_proc.jpg"});
/// }
/// @endcode

#include "galaxyzoo/galaxyzoo.hpp"

#include "galaxyzoo/model/catalog_classifier.hpp"
#include "galaxyzoo/model/classifier.hpp"
#include "galaxyzoo/model/classifier_file.hpp"
#include "galaxyzoo/model/device.hpp"
#include "galaxyzoo/model/distributed.hpp"
#include "galaxyzoo/model/hyperparameters.hpp"
#include "galaxyzoo/model/image_loader.hpp"
#include "galaxyzoo/model/torch_save_file.hpp"
#include "galaxyzoo/model/torchscript_export.hpp"
#include "galaxyzoo/model/trainer.hpp"
#include "galaxyzoo/model/training_history.hpp"
#include "galaxyzoo/model/training_run.hpp"
#include "galaxyzoo/model/vgg16_classifier.hpp"

#include "galaxyzoo/hpo/vgg16_objective.hpp"

#include "galaxyzoo/eval/evaluator.hpp"

#include "galaxyzoo/workflow/galaxy_steps.hpp"
