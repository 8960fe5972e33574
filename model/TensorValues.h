#pragma once
// A float32 or bf16 CPU tensor's values as the raw pointers aunet's kernels take:
// floats, or bf16 values as their 16-bit patterns (model/Bf16Values.h). One place for
// the type switch that each kernel's entry point would otherwise spell out.

#include <torch/types.h>

#include <cstdint>
#include <type_traits>

namespace aunet::model {

// float* for a float32 tensor, uint16_t* for a bf16 one (T says which; the caller
// checked the tensor's type).
template <typename T>
T* tensorValues(const torch::Tensor& t) {
  if constexpr (std::is_same_v<T, float>)
    return t.data_ptr<float>();
  else
    return reinterpret_cast<uint16_t*>(t.data_ptr<at::BFloat16>());
}

// f(T{}) with T = uint16_t for bf16 and float otherwise.
template <typename F>
void forValueType(torch::ScalarType type, F&& f) {
  if (type == torch::kBFloat16)
    f(uint16_t{});
  else
    f(float{});
}

}  // namespace aunet::model
