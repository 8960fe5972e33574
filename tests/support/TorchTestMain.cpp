// main() of the test suites that run LibTorch: the CUDA backend is loaded first, as the
// programs do (model/CudaBackend.h), so the GPU tests run where a GPU is present.

#include <gtest/gtest.h>

#include "model/CudaBackend.h"

int main(int argc, char** argv) {
  aunet::model::loadCudaBackend();
  testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
