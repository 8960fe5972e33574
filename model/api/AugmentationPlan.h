#pragma once
// Which data augmentations `aunet train` applies and how strongly: probabilities per
// sample and ranges, nnU-Net's defaults. Part of the TrainingPlan ("augmentation"),
// so a run's augmentation is recorded with it and any field can be overridden
// (`--set augmentation.rotation=0`). Torch-free.

#include <nlohmann/json_fwd.hpp>

#include <string>

namespace aunet::model {

struct AugmentationPlan {
  // Spatial (one resampling of the case around the patch centre, labels by nearest neighbour).
  double rotation = 0.2;             // probability; angle uniform in +-max_rotation_degrees per axis
  double max_rotation_degrees = 30.0;
  double scaling = 0.2;              // probability; zoom factor uniform in [scale_min, scale_max]
  double scale_min = 0.7, scale_max = 1.4;
  double deformation = 0.2;          // probability of a smooth random displacement field
  double deformation_voxels = 4.0;   // its largest displacement, in voxels
  double mirror = 0.5;               // per axis
  // Intensity (on the image patch only).
  double noise = 0.1;                // Gaussian noise, variance uniform in [0, 0.1]
  double blur = 0.2;                 // Gaussian blur, sigma uniform in [0.5, 1] voxels
  double brightness = 0.15;          // multiply by uniform [0.75, 1.25]
  double contrast = 0.15;            // scale around the mean by uniform [0.75, 1.25], clipped to the old range
  double gamma = 0.3;                // x -> x^gamma on [0, 1]-rescaled values, gamma in [0.7, 1.5]

  nlohmann::json toJson() const;
  // Missing keys keep defaults; throws core::Error(source: reason) on bad values.
  static AugmentationPlan fromJson(const nlohmann::json& json, const std::string& source);
  void validate(const std::string& source) const;
  // Every probability zero: patches are plain crops.
  static AugmentationPlan none();
};

}  // namespace aunet::model
