#pragma once
// `aunet train -d DATASET -o RUN_DIR [...]`: checks the nnU-Net dataset, plans (or
// takes the plan from --config / --set / flags), prepares every case once in
// memory, and trains (pipeline/Trainer.h). The run folder ends with model.aunet
// (best validation Dice, with the plan, the dataset's labels and provenance).
// Started by torchrun or srun (WORLD_SIZE > 1), each process trains on its share of
// every batch and rank 0 writes the run folder (docs/training.md).

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace aunet::app {

struct TrainOptions {
  std::string dataset;
  std::string runDir;
  std::string config;
  std::vector<std::string> sets;
  int epochs = 0;               // 0: the plan's
  int iterationsPerEpoch = 0;   // 0: the plan's
  std::string fold;             // 0..4 or "all" (or a fold of --split); empty: 0, "all" when fine-tuning
  std::string split;            // nnU-Net splits_final.json
  std::string mixedPrecision;   // empty: the plan's (auto)
  std::string progress = "auto";  // auto (a bar on a terminal), bar, none
  std::string device = "auto";
  uint64_t seed = 12345;
  std::string resume;           // a run folder to continue
  std::string initFrom;         // a .aunet or an installed model's name to start from
  bool keepPlan = false;        // keep initFrom's plan (fine-tuning); also the default for a dataset made from it
  bool replan = false;          // plan from the dataset even then
  bool freezeEncoder = false;
  bool deterministic = false;   // deterministic algorithms (cuDNN too), benchmark mode off
  double bucketMegabytes = 25.0;      // data parallel: gradients per all-reduce
  std::string gradientWire = "fp32";  // data parallel: fp32 or bf16 on the wire
  std::string intensityRandomization = "auto";  // on, off, auto (the planner's rule)
  bool synthetic = false;       // images generated from label maps (augmentation.synthetic = 1 unless set)
  std::vector<std::string> valDatasets;  // NAME=DIR, validated every epoch on their own
};

void setupTrainCommand(CLI::App& parent, TrainOptions& options);
int runTrainCommand(const TrainOptions& options, std::ostream& out);

}  // namespace aunet::app
