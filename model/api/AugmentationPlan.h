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
  // Intensity domain randomization (issue 28), drawn per channel before the transforms
  // above (pipeline/IntensityRandomization.h). Off in nnU-Net's defaults; the planner
  // turns it on for datasets that mix contrasts or spacings (withIntensityRandomization).
  double intensity_remap = 0.0;      // probability of a random smooth intensity curve
  double remap_non_monotone = 0.3;   // share of those curves that are not monotone
  double remap_inversion = 0.3;      // share of those curves that are inverted (bright <-> dark)
  double bias_field = 0.0;           // probability of a smooth multiplicative field
  double bias_field_max = 0.3;       // the field lies in [1/(1+max), 1+max]
  double low_resolution = 0.0;       // probability of simulated thick slices / low resolution
  double low_resolution_max_factor = 4.0;  // voxel size multiplied by uniform [1.5, max] on random axes
  // Training from label maps (SynthSeg): share of samples whose image is generated from
  // the labels plus context labels (labelsContext/ or a k-means of the image).
  double synthetic = 0.0;
  int synthetic_context_classes = 3;  // k-means classes when the dataset has no labelsContext/

  // Whether any of the randomization probabilities above is non-zero.
  bool intensityRandomization() const { return intensity_remap > 0 || bias_field > 0 || low_resolution > 0; }
  // This plan with the randomization probabilities set to their "on" values (remap 0.5,
  // bias field 0.3, low resolution 0.25) or to zero.
  AugmentationPlan withIntensityRandomization(bool on) const;

  nlohmann::json toJson() const;
  // Missing keys keep defaults; throws core::Error(source: reason) on bad values.
  static AugmentationPlan fromJson(const nlohmann::json& json, const std::string& source);
  void validate(const std::string& source) const;
  // Every probability zero: patches are plain crops.
  static AugmentationPlan none();
};

}  // namespace aunet::model
