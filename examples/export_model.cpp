// export_model: a trained model for use outside galaxyzoo, or a model of the original
// Python workflow brought in.
//
//   export_model --model final_vgg16_model.pt --output galaxyzoo_vgg16.ts.pt
//   export_model --model original/final_vgg16_model.pth --format galaxyzoo --output model.pt
//
// --format torchscript (the default) writes a TorchScript module that Python's
// torch.jit.load and LibTorch's torch::jit::load read: forward(images) takes RGB pixels / 255,
// [batch, 3, S, S], normalises them itself and returns the class probabilities; the file is
// loaded back and checked against galaxyzoo's own probabilities before the program ends.
// --format galaxyzoo writes galaxyzoo's model file (a torch.save state dict, docs/python.md)
// from any file classify reads, such as the original's torch.save(model.state_dict()) or its
// checkpoints. Details, and why there is no ONNX: docs/python.md.
#include <torch/script.h>
#include <galaxyzoo/core/error.hpp>
#include <galaxyzoo/model/classifier.hpp>
#include <galaxyzoo/model/classifier_file.hpp>
#include <galaxyzoo/model/image_loader.hpp>
#include <galaxyzoo/model/torchscript_export.hpp>

#include <iostream>

#include "program.hpp"
#include "programs.hpp"

namespace {

// The largest difference between the TorchScript file's probabilities and galaxyzoo's on
// random pixels.
double check_torchscript(const std::string& file, galaxyzoo::LoadedClassifier& loaded) {
  const int s = loaded.model->options().image_size();
  torch::manual_seed(0);
  const torch::Tensor pixels = torch::randint(0, 256, {2, 3, s, s}).to(torch::kFloat32) / 255;
  torch::Tensor mean = torch::tensor(
      {galaxyzoo::kImageNetMean[0], galaxyzoo::kImageNetMean[1], galaxyzoo::kImageNetMean[2]});
  torch::Tensor std = torch::tensor(
      {galaxyzoo::kImageNetStd[0], galaxyzoo::kImageNetStd[1], galaxyzoo::kImageNetStd[2]});
  galaxyzoo::GalaxyClassifier classifier(loaded.model, loaded.class_names);
  const torch::Tensor expected =
      classifier.probabilities((pixels - mean.view({3, 1, 1})) / std.view({3, 1, 1}));
  torch::jit::Module module = torch::jit::load(file);
  torch::NoGradGuard no_grad;
  return (module.forward({pixels}).toTensor() - expected).abs().max().item<double>();
}

}  // namespace

int galaxyzoo::examples::export_model_main(int argc, char** argv) {
  galaxyzoo::examples::Program program(
      "export_model", "Write a galaxyzoo model as TorchScript, or bring in the original's model.");
  CLI::App& app = program.app();
  std::string model_file = "final_vgg16_model.pt", output = "galaxyzoo_vgg16.ts.pt",
              format = "torchscript";
  app.add_option("--model", model_file,
                 "Model to read: galaxyzoo's, or the original's torch.save state dict or "
                 "checkpoint")
      ->capture_default_str();
  app.add_option("--output", output, "File to write")->capture_default_str();
  app.add_option("--format", format,
                 "torchscript (for torch.jit.load) or galaxyzoo (galaxyzoo's model file)")
      ->check(CLI::IsMember({"torchscript", "galaxyzoo"}))
      ->capture_default_str();
  program.add_threads();
  return program.run(argc, argv, [&] {
    galaxyzoo::LoadedClassifier loaded = galaxyzoo::load_classifier(model_file);
    loaded.model->eval();
    const int s = loaded.model->options().image_size();
    if (format == "galaxyzoo") {
      galaxyzoo::save_classifier(loaded.model, loaded.class_names, output);
      std::cout << "Wrote " << output << ": galaxyzoo model file, " << s << " x " << s
                << " images, " << loaded.class_names.size() << " classes\n";
      return galaxyzoo::examples::kExitOk;
    }
    galaxyzoo::export_torchscript(loaded.model, loaded.class_names, output);
    const double difference = check_torchscript(output, loaded);
    std::cout << "Wrote " << output << ": TorchScript; forward(images) takes [batch, 3, " << s
              << ", " << s << "] RGB pixels / 255 and returns the probabilities of the classes:\n";
    for (std::size_t k = 0; k < loaded.class_names.size(); ++k)
      std::cout << "  " << k << " " << loaded.class_names[k] << '\n';
    std::cout << "Checked with torch::jit::load: largest difference from galaxyzoo's "
                 "probabilities "
              << difference << '\n';
    if (!(difference < 1e-4))
      throw galaxyzoo::Error("the TorchScript file does not reproduce the model (difference " +
                             std::to_string(difference) + ")");
    return galaxyzoo::examples::kExitOk;
  });
}
