// Replays saved inputs through a fuzz target's LLVMFuzzerTestOneInput without
// libFuzzer (any compiler): the regression tests for fuzzing findings. Arguments are
// files or folders of files (read in name order). Each input must come back normally;
// the targets swallow the documented core::Error, so any other exception or a crash
// fails the run, naming the input.

#include <algorithm>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

#include "fuzz/FuzzScratch.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

int main(int argc, char** argv) {
  namespace fs = std::filesystem;
  std::vector<fs::path> inputs;
  for (int i = 1; i < argc; ++i) {
    const fs::path arg(argv[i]);
    if (fs::is_directory(arg)) {
      std::vector<fs::path> files;
      for (const auto& entry : fs::directory_iterator(arg))
        if (entry.is_regular_file()) files.push_back(entry.path());
      std::sort(files.begin(), files.end());
      inputs.insert(inputs.end(), files.begin(), files.end());
    } else {
      inputs.push_back(arg);
    }
  }
  if (inputs.empty()) {
    std::cerr << "replay: no inputs (pass files or folders of saved fuzz inputs)\n";
    return 2;
  }
  int status = 0;
  for (const fs::path& input : inputs) {
    std::ifstream in(input, std::ios::binary);
    if (!in) {
      std::cerr << input.string() << ": cannot read\n";
      status = 1;
      continue;
    }
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    try {
      LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
      std::cout << "ok " << input.filename().string() << '\n';
    } catch (const std::exception& e) {
      std::cerr << input.string() << ": uncaught exception: " << e.what() << '\n';
      status = 1;
    }
  }
  std::error_code ec;
  fs::remove_all(aunet::fuzz::scratchFolder(), ec);
  return status;
}
