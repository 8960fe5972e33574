// The attention gate against vectors computed with Oktay et al.'s own
// GridAttentionBlock (concatenation mode, eval), plus its shape contract.

#include <gtest/gtest.h>

#include "tests/support/SharedData.h"
#include <torch/torch.h>

#include <nlohmann/json.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "core/Error.h"
#include "model/AttentionGate.h"

namespace aunet::model {
namespace {

std::filesystem::path sharedDataDir() {
  if (const char* env = std::getenv("AUNET_SHARED_DATA"); env != nullptr && *env != '\0') return env;
#ifdef AUNET_SOURCE_DIR
  return std::filesystem::path(AUNET_SOURCE_DIR) / ".." / "shared" / "data";
#else
  return std::filesystem::path("..") / "shared" / "data";
#endif
}

torch::Tensor tensorFromJson(const nlohmann::json& j) {
  const auto shape = j.at("shape").get<std::vector<int64_t>>();
  const auto data = j.at("data").get<std::vector<float>>();
  return torch::tensor(data, torch::kFloat32).reshape(shape);
}

double maxAbsDiff(const torch::Tensor& a, const torch::Tensor& b) {
  return (a - b).abs().max().item<double>();
}

double batchNormEps(const std::shared_ptr<torch::nn::Module>& module) {
  if (auto bn = std::dynamic_pointer_cast<torch::nn::BatchNorm2dImpl>(module)) return bn->options.eps();
  if (auto bn = std::dynamic_pointer_cast<torch::nn::BatchNorm3dImpl>(module)) return bn->options.eps();
  ADD_FAILURE() << "W_norm is not a batch norm";
  return -1.0;
}

TEST(AttentionGateTest, MatchesOktayReferenceVectors) {
  const auto path = sharedDataDir() / "reference" / "attention_gate_vectors.json";
  if (!std::filesystem::exists(path))
    AUNET_SHARED_MISSING("reference vectors not found at " << path
                                                            << " (set AUNET_SHARED_DATA to the shared data folder)");
  std::ifstream in(path);
  const nlohmann::json reference = nlohmann::json::parse(in);
  const auto& cases = reference.at("cases");
  ASSERT_EQ(cases.size(), 3u);

  // Reference parameter names -> the gate's registered names.
  const std::map<std::string, std::string> parameterNames = {
      {"theta.weight", "theta.weight"}, {"phi.weight", "phi.weight"},   {"phi.bias", "phi.bias"},
      {"psi.weight", "psi.weight"},     {"psi.bias", "psi.bias"},       {"W.conv.weight", "W_conv.weight"},
      {"W.conv.bias", "W_conv.bias"},   {"W.bn.weight", "W_norm.weight"}, {"W.bn.bias", "W_norm.bias"}};
  const std::map<std::string, std::string> bufferNames = {{"W.bn.running_mean", "W_norm.running_mean"},
                                                          {"W.bn.running_var", "W_norm.running_var"}};

  for (size_t index = 0; index < cases.size(); ++index) {
    SCOPED_TRACE("case " + std::to_string(index));
    const auto& c = cases[index];
    AttentionGate gate(AttentionGateOptions(c.at("spatial_dims").get<int64_t>(), c.at("in_channels").get<int64_t>(),
                                            c.at("gating_channels").get<int64_t>())
                           .inter_channels(c.at("inter_channels").get<int64_t>())
                           .norm(Normalization::Batch));

    ASSERT_TRUE(c.at("theta.bias").is_null());
    auto parameters = gate->named_parameters();
    // Exactly the reference's parameters: no theta bias, nothing extra.
    ASSERT_EQ(parameters.size(), parameterNames.size());
    auto buffers = gate->named_buffers();
    {
      torch::NoGradGuard noGrad;
      for (const auto& [ref, ours] : parameterNames) {
        ASSERT_NE(parameters.find(ours), nullptr) << ours;
        const torch::Tensor value = tensorFromJson(c.at(ref));
        ASSERT_EQ(parameters[ours].sizes(), value.sizes()) << ours;  // copy_ would broadcast silently
        parameters[ours].copy_(value);
      }
      for (const auto& [ref, ours] : bufferNames) {
        ASSERT_NE(buffers.find(ours), nullptr) << ours;
        const torch::Tensor value = tensorFromJson(c.at(ref));
        ASSERT_EQ(buffers[ours].sizes(), value.sizes()) << ours;
        buffers[ours].copy_(value);
      }
    }
    ASSERT_DOUBLE_EQ(batchNormEps(gate->named_children()["W_norm"]), c.at("W.bn.eps").get<double>());

    gate->eval();
    torch::NoGradGuard noGrad;
    const auto [y, alpha] = gate->forward(tensorFromJson(c.at("x")), tensorFromJson(c.at("g")));
    const torch::Tensor expectedY = tensorFromJson(c.at("expected.y"));
    const torch::Tensor expectedAlpha = tensorFromJson(c.at("expected.alpha"));
    ASSERT_EQ(y.sizes(), expectedY.sizes());
    ASSERT_EQ(alpha.sizes(), expectedAlpha.sizes());
    const double yError = maxAbsDiff(y, expectedY);
    const double alphaError = maxAbsDiff(alpha, expectedAlpha);
    std::printf("[ gate     ] case %zu: max |y - ref| %.2e, max |alpha - ref| %.2e\n", index, yError, alphaError);
    EXPECT_LT(yError, 1e-5);
    EXPECT_LT(alphaError, 1e-5);
  }
}

TEST(AttentionGateTest, OddSizesKeepTheSkipShape) {
  torch::manual_seed(3);
  AttentionGate gate(AttentionGateOptions(3, 4, 8).norm(Normalization::Instance));
  // theta floors 7x9x5 to 3x4x2; g arrives at yet another size and is resampled.
  const torch::Tensor x = torch::randn({2, 4, 7, 9, 5});
  const torch::Tensor g = torch::randn({2, 8, 4, 5, 3});
  const auto [y, alpha] = gate->forward(x, g);
  EXPECT_EQ(y.sizes(), x.sizes());
  EXPECT_EQ(alpha.sizes(), (std::vector<int64_t>{2, 1, 7, 9, 5}));
  EXPECT_GE(alpha.min().item<float>(), 0.0f);
  EXPECT_LE(alpha.max().item<float>(), 1.0f);
}

TEST(AttentionGateTest, DefaultInterChannelsIsHalfTheInput) {
  EXPECT_EQ(AttentionGateOptions(2, 32, 64).inter_channels(), 16);
  EXPECT_EQ(AttentionGateOptions(2, 1, 4).inter_channels(), 1);
  AttentionGate gate(AttentionGateOptions(2, 6, 4));
  EXPECT_EQ(gate->named_parameters()["theta.weight"].sizes(), (std::vector<int64_t>{3, 6, 2, 2}));
}

TEST(AttentionGateTest, RejectsMismatchedInputs) {
  AttentionGate gate(AttentionGateOptions(2, 4, 8));
  EXPECT_THROW(gate->forward(torch::randn({1, 3, 8, 8}), torch::randn({1, 8, 4, 4})), core::Error);
  EXPECT_THROW(gate->forward(torch::randn({1, 4, 8, 8, 8}), torch::randn({1, 8, 4, 4, 4})), core::Error);
  EXPECT_THROW(gate->forward(torch::randn({1, 4, 1, 8}), torch::randn({1, 8, 1, 4})), core::Error);
  EXPECT_THROW(AttentionGate(AttentionGateOptions(4, 4, 8)), core::Error);
}

}  // namespace
}  // namespace aunet::model
