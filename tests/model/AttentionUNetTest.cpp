// Shapes for odd sizes, attention maps, gradient flow, the exact parameter count of
// the default 3D network, the options' JSON contract and input validation.

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

#include "core/Error.h"
#include "tests/model/NormTestSupport.h"
#include "model/AttentionUNet.h"
#include "model/MixedPrecision.h"

namespace aunet::model {
namespace {

using Shape = std::vector<int64_t>;

Shape shapeOf(const torch::Tensor& t) { return t.sizes().vec(); }

void expectInUnitInterval(const torch::Tensor& t) {
  EXPECT_GE(t.min().item<float>(), 0.0f);
  EXPECT_LE(t.max().item<float>(), 1.0f);
}

TEST(AttentionUNetTest, Shapes3DOddSize) {
  torch::manual_seed(0);
  AttentionUNet net(AttentionUNetOptions(3, 1, 2).channels({4, 8, 16}).gated_levels({0, 1}));
  const torch::Tensor x = torch::randn({1, 1, 19, 23, 17});
  const AttentionUNetOutput out = net->forward_all(x, true, true);
  EXPECT_EQ(shapeOf(out.logits), (Shape{1, 2, 19, 23, 17}));
  ASSERT_EQ(out.attention_levels, (Shape{0, 1}));
  ASSERT_EQ(out.attention.size(), 2u);
  EXPECT_EQ(shapeOf(out.attention[0]), (Shape{1, 1, 19, 23, 17}));
  EXPECT_EQ(shapeOf(out.attention[1]), (Shape{1, 1, 10, 12, 9}));
  for (const auto& alpha : out.attention) expectInUnitInterval(alpha);
  ASSERT_EQ(out.deep_supervision.size(), 1u);  // decoder levels 1 .. L-2 = {1}
  EXPECT_EQ(shapeOf(out.deep_supervision[0]), (Shape{1, 2, 10, 12, 9}));
  // forward() is the logits of forward_all().
  EXPECT_TRUE(torch::allclose(net->forward(x), out.logits));
}

// Inference takes the fused in-place instance norm + ReLU (model/InstanceNormInPlace);
// with autograd on, LibTorch's modules run. Both must compute the same network, with
// non-trivial norm weights, in 2D and 3D, at batch 1 and 2.
TEST(AttentionUNetTest, InferenceFastPathMatchesTheModules) {
  for (const int64_t dims : {2, 3}) {
    SCOPED_TRACE(std::to_string(dims) + "D");
    AttentionUNet net = test::evalNetworkWithRandomNorms(
        AttentionUNetOptions(dims, 1, 3).channels({4, 8, 16}).gated_levels({0, 1}), 1);
    for (const int64_t batch : {1, 2}) {
      Shape size{batch, 1, 21, 18};
      if (dims == 3) size.push_back(13);
      const torch::Tensor x = torch::randn(size) * 3.0 + 1.0;
      const torch::Tensor modules = net->forward_all(x, true, false).logits.detach();
      AttentionUNetOutput fast;
      {
        c10::InferenceMode inference;
        fast = net->forward_all(x, true, false);
      }
      EXPECT_TRUE(torch::allclose(fast.logits, modules, 1e-4, 1e-4))
          << "max difference " << (fast.logits - modules).abs().max().item<float>();
      EXPECT_GT(modules.abs().max().item<float>(), 0.0f);
    }
  }
}

// CPU inference runs channels-last by default (oneDNN then skips its reorders); the
// NCDHW path must compute the same logits and attention maps, and the logits come back
// in NCDHW either way, for the callers that index them.
TEST(AttentionUNetTest, ChannelsLastInferenceMatchesContiguous) {
  for (const int64_t dims : {2, 3}) {
    SCOPED_TRACE(std::to_string(dims) + "D");
    AttentionUNet net = test::evalNetworkWithRandomNorms(AttentionUNetOptions(dims, 2, 3).channels({4, 8, 16, 32}), 2);
    Shape size{2, 2, 22, 19};
    if (dims == 3) size.push_back(17);
    const torch::Tensor x = torch::randn(size);
    c10::InferenceMode inference;
    ASSERT_TRUE(net->channels_last_inference());
    const AttentionUNetOutput fast = net->forward_all(x, true, false);
    net->set_channels_last_inference(false);
    const AttentionUNetOutput plain = net->forward_all(x, true, false);
    net->set_channels_last_inference(true);
    EXPECT_TRUE(fast.logits.is_contiguous());
    EXPECT_TRUE(torch::allclose(fast.logits, plain.logits, 1e-4, 1e-4))
        << "max difference " << (fast.logits - plain.logits).abs().max().item<float>();
    ASSERT_EQ(fast.attention.size(), plain.attention.size());
    ASSERT_FALSE(fast.attention.empty());
    for (size_t i = 0; i < fast.attention.size(); ++i)
      EXPECT_TRUE(torch::allclose(fast.attention[i], plain.attention[i], 1e-5, 1e-5)) << "attention map " << i;
  }
}

// Decoder concatenations above inference_slab_bytes() are built and convolved slab by
// slab; with a limit of 0 every ungated level runs in 2-row slabs (interior slab
// boundaries, odd coarse rows, zero halo rows at both ends), gated or not, 2D and 3D,
// float32 and bf16: the logits and attention maps must match the whole concatenation.
TEST(AttentionUNetTest, DecoderInSlabsMatchesTheWholeConcatenation) {
  for (const int64_t dims : {2, 3}) {
    for (const bool gated : {true, false}) {
      SCOPED_TRACE(std::to_string(dims) + "D, " + (gated ? "default gates" : "no gates"));
      AttentionUNetOptions options(dims, 1, 3);
      options.channels({4, 8, 16, 32});
      if (!gated) options.gated_levels({});
      AttentionUNet net = test::evalNetworkWithRandomNorms(options, 5);
      Shape size{2, 1, 21, 18};
      if (dims == 3) size.push_back(13);
      const torch::Tensor x = torch::randn(size);
      c10::InferenceMode inference;
      const int64_t whole_limit = net->inference_slab_bytes();
      for (const bool bf16 : {false, true}) {
        SCOPED_TRACE(bf16 ? "bf16" : "float32");
        std::optional<AutocastGuard> autocast;
        if (bf16) autocast.emplace(torch::kCPU, torch::kBFloat16);
        net->set_inference_slab_bytes(whole_limit);
        const AttentionUNetOutput whole = net->forward_all(x, true, false);
        // Slabs of 2 rows and, with these limits, of 3 to 12 rows at the various levels:
        // both parities of slab ends meet the coarse rows differently.
        for (const int64_t limit : {0, 7000, 10000, 50000, 110592}) {
          SCOPED_TRACE("slab limit " + std::to_string(limit) + " bytes");
          net->set_inference_slab_bytes(limit);
          const AttentionUNetOutput slabs = net->forward_all(x, true, false);
          net->set_inference_slab_bytes(whole_limit);
          const torch::Tensor a = whole.logits.to(torch::kFloat32), b = slabs.logits.to(torch::kFloat32);
          const float scale = a.abs().max().item<float>();
          // bf16: each slab's convolution rounds once, as the whole one; only the sums' order differs.
          EXPECT_LT((a - b).abs().max().item<float>(), (bf16 ? 0.02f : 1e-5f) * scale);
          ASSERT_EQ(whole.attention.size(), slabs.attention.size());
          for (size_t i = 0; i < whole.attention.size(); ++i)
            EXPECT_LT((whole.attention[i].to(torch::kFloat32) - slabs.attention[i].to(torch::kFloat32))
                          .abs().max().item<float>(), bf16 ? 0.02f : 1e-5f)
                << "attention map " << i;
        }
      }
    }
  }
}

// bf16 inference on the CPU (what "auto" picks on CPUs with native bf16): convolutions in bf16 by
// autocast, aunet's norm and upsampling kernels on the bf16 activations, logits close
// to the float32 pass and the same labels almost everywhere.
TEST(AttentionUNetTest, Bf16InferenceStaysCloseToFloat) {
  for (const int64_t dims : {2, 3}) {
    SCOPED_TRACE(std::to_string(dims) + "D");
    AttentionUNet net = test::evalNetworkWithRandomNorms(AttentionUNetOptions(dims, 1, 3).channels({8, 16, 32, 64}), 7);
    Shape size{2, 1, 32, 24};
    if (dims == 3) size.push_back(16);
    const torch::Tensor x = torch::randn(size);
    c10::InferenceMode inference;
    const AttentionUNetOutput exact = net->forward_all(x, true, false);
    AttentionUNetOutput half;
    {
      const AutocastGuard autocast(torch::kCPU, torch::kBFloat16);
      half = net->forward_all(x, true, false);
    }
    ASSERT_EQ(half.logits.scalar_type(), torch::kBFloat16) << "the network ran in bf16";
    EXPECT_TRUE(half.logits.is_contiguous());
    const torch::Tensor logits = half.logits.to(torch::kFloat32);
    const float scale = exact.logits.abs().max().item<float>();
    EXPECT_LT((logits - exact.logits).abs().max().item<float>(), 0.05f * scale);
    const float agree = (logits.argmax(1) == exact.logits.argmax(1)).to(torch::kFloat32).mean().item<float>();
    EXPECT_GT(agree, 0.97f);
    ASSERT_EQ(half.attention.size(), exact.attention.size());
    for (size_t i = 0; i < half.attention.size(); ++i)
      EXPECT_LT((half.attention[i].to(torch::kFloat32) - exact.attention[i]).abs().max().item<float>(), 0.05f)
          << "attention map " << i;
  }
}

// Training runs channels-last on the CPU too (aunet's own instance norm autograd
// function); the loss and every parameter's gradient must match the NCDHW modules.
TEST(AttentionUNetTest, ChannelsLastTrainingMatchesContiguous) {
  for (const int64_t dims : {2, 3}) {
    SCOPED_TRACE(std::to_string(dims) + "D");
    torch::manual_seed(4);
    AttentionUNet net(AttentionUNetOptions(dims, 1, 3).channels({4, 8, 16}).gated_levels({0, 1}));
    net->train();
    test::randomizeNormParameters(*net);
    Shape size{2, 1, 20, 17};
    if (dims == 3) size.push_back(13);
    const torch::Tensor x = torch::randn(size);
    const auto lossAndGradients = [&](bool channelsLast) {
      net->set_channels_last_training(channelsLast);
      net->zero_grad();
      const AttentionUNetOutput out = net->forward_all(x, false, true);
      if (channelsLast) EXPECT_TRUE(out.logits.is_contiguous());
      torch::Tensor loss = out.logits.pow(2).mean() + out.logits.select(1, 0).sigmoid().mean();
      for (const auto& ds : out.deep_supervision) loss = loss + ds.pow(2).mean();
      loss.backward();
      std::vector<torch::Tensor> grads{loss.detach()};
      for (const auto& p : net->parameters()) grads.push_back(p.grad().clone());
      return grads;
    };
    const auto plain = lossAndGradients(false);
    const auto fast = lossAndGradients(true);
    ASSERT_EQ(plain.size(), fast.size());
    EXPECT_TRUE(torch::allclose(fast[0], plain[0], 1e-5, 1e-5)) << "loss";
    for (size_t i = 1; i < plain.size(); ++i)
      EXPECT_TRUE(torch::allclose(fast[i], plain[i], 2e-3, 1e-5))
          << "parameter " << i - 1 << ", max difference " << (fast[i] - plain[i]).abs().max().item<float>()
          << " of max " << plain[i].abs().max().item<float>();
  }
}

// bf16 autocast training channels-last (aunet's bf16 norm, upsampling and their
// gradients): every parameter's gradient points where the float32 one does.
TEST(AttentionUNetTest, Bf16ChannelsLastTrainingTracksFloat32) {
  for (const int64_t dims : {2, 3}) {
    SCOPED_TRACE(std::to_string(dims) + "D");
    torch::manual_seed(5);
    AttentionUNet net(AttentionUNetOptions(dims, 1, 3).channels({8, 16, 32}).gated_levels({0, 1}));
    net->train();
    test::randomizeNormParameters(*net);
    Shape size{2, 1, 24, 20};
    if (dims == 3) size.push_back(16);
    const torch::Tensor x = torch::randn(size);
    const auto gradients = [&](torch::ScalarType precision) {
      net->zero_grad();
      torch::Tensor loss;
      {
        const AutocastGuard autocast(torch::kCPU, precision);
        const AttentionUNetOutput out = net->forward_all(x, false, true);
        loss = out.logits.to(torch::kFloat).pow(2).mean() + out.logits.select(1, 0).to(torch::kFloat).sigmoid().mean();
        for (const auto& ds : out.deep_supervision) loss = loss + ds.to(torch::kFloat).pow(2).mean();
      }
      loss.backward();
      std::vector<torch::Tensor> grads;
      for (const auto& p : net->parameters()) grads.push_back(p.grad().clone());
      return grads;
    };
    const auto exact = gradients(torch::kFloat);
    const auto half = gradients(torch::kBFloat16);
    ASSERT_EQ(exact.size(), half.size());
    const auto names = net->named_parameters();
    for (size_t i = 0; i < exact.size(); ++i) {
      const double norms = exact[i].norm().item<double>() * half[i].norm().item<double>();
      if (norms == 0.0 || names[i].key().find("W_conv.bias") != std::string::npos) continue;  // zero up to rounding
      const double cosine = (exact[i] * half[i]).sum().item<double>() / norms;
      EXPECT_GT(cosine, 0.97) << names[i].key();
    }
  }
}

TEST(AttentionUNetTest, Shapes2DDefaultChannels) {
  torch::manual_seed(1);
  AttentionUNet net(AttentionUNetOptions(2, 1, 3));  // 16..256, gates on 1, 2, 3
  const AttentionUNetOutput out = net->forward_all(torch::randn({2, 1, 37, 45}), true, true);
  EXPECT_EQ(shapeOf(out.logits), (Shape{2, 3, 37, 45}));
  ASSERT_EQ(out.attention_levels, (Shape{1, 2, 3}));
  const std::vector<Shape> levelSizes = {{19, 23}, {10, 12}, {5, 6}};  // ceil(size / 2^level)
  ASSERT_EQ(out.attention.size(), 3u);
  ASSERT_EQ(out.deep_supervision.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(shapeOf(out.attention[i]), (Shape{2, 1, levelSizes[i][0], levelSizes[i][1]}));
    EXPECT_EQ(shapeOf(out.deep_supervision[i]), (Shape{2, 3, levelSizes[i][0], levelSizes[i][1]}));
    expectInUnitInterval(out.attention[i]);
  }
}

TEST(AttentionUNetTest, AnySizeFromOneVoxelWorks) {
  torch::manual_seed(2);
  AttentionUNet net2d(AttentionUNetOptions(2, 2, 2).channels({4, 8, 16, 32}).gated_levels({0, 1, 2}));
  AttentionUNet net3d(AttentionUNetOptions(3, 1, 4).channels({4, 8, 16}).gated_levels({0, 1}));
  net2d->eval();
  net3d->eval();
  torch::NoGradGuard noGrad;
  for (const Shape& size : std::vector<Shape>{{1, 1}, {3, 2}, {8, 8}, {9, 1}}) {
    const auto out = net2d->forward_all(torch::randn({1, 2, size[0], size[1]}), true, false);
    EXPECT_EQ(shapeOf(out.logits), (Shape{1, 2, size[0], size[1]}));
    EXPECT_EQ(shapeOf(out.attention[2]), (Shape{1, 1, (size[0] + 3) / 4, (size[1] + 3) / 4}));
  }
  EXPECT_EQ(shapeOf(net3d->forward(torch::randn({1, 1, 1, 1, 1}))), (Shape{1, 4, 1, 1, 1}));
  EXPECT_EQ(shapeOf(net3d->forward(torch::randn({1, 1, 5, 1, 2}))), (Shape{1, 4, 5, 1, 2}));
}

TEST(AttentionUNetTest, OptionalOutputsOnlyWhenRequested) {
  AttentionUNet net(AttentionUNetOptions(2, 1, 2).channels({4, 8, 16}).gated_levels({1}));
  const auto bare = net->forward_all(torch::randn({1, 1, 16, 16}), false, false);
  EXPECT_TRUE(bare.attention.empty());
  EXPECT_TRUE(bare.attention_levels.empty());
  EXPECT_TRUE(bare.deep_supervision.empty());
  AttentionUNet noDs(AttentionUNetOptions(2, 1, 2).channels({4, 8, 16}).gated_levels({1}).deep_supervision(false));
  EXPECT_TRUE(noDs->forward_all(torch::randn({1, 1, 16, 16}), true, true).deep_supervision.empty());
  for (const auto& item : noDs->named_parameters()) EXPECT_NE(item.key().rfind("ds", 0), 0u) << item.key();
}

// Backpropagates a loss over the logits and every deep supervision output. Random
// weights keep the loss from being a plain sum, which normalization could cancel.
void backwardThroughAllOutputs(AttentionUNet& net, const torch::Tensor& x) {
  const auto out = net->forward_all(x, true, true);
  torch::Tensor loss = (out.logits * torch::randn_like(out.logits)).sum();
  for (const auto& ds : out.deep_supervision) loss = loss + (ds * torch::randn_like(ds)).sum();
  loss.backward();
}

TEST(AttentionUNetTest, GradientsReachEveryParameter) {
  torch::manual_seed(4);
  {
    // Training mode, instance norm, 3D, every skip gated.
    AttentionUNet net(AttentionUNetOptions(3, 1, 2).channels({4, 8, 16}).gated_levels({0, 1}));
    backwardThroughAllOutputs(net, torch::randn({1, 1, 12, 10, 14}));
    const auto params = net->named_parameters();
    for (const auto& item : params) {
      ASSERT_TRUE(item.value().grad().defined()) << item.key();
      const double g = item.value().grad().abs().max().item<double>();
      // The gate's W conv bias feeds straight into a normalization that subtracts the
      // mean, so its gradient is zero up to rounding (kept for Oktay's weights). The
      // rounding grows with the gradient reaching that conv (and differs between SIMD
      // widths): compare with the conv weight's gradient, not with a fixed number.
      const auto bias = item.key().find("W_conv.bias");
      if (bias != std::string::npos) {
        const double weight = params[item.key().substr(0, bias) + "W_conv.weight"].grad().abs().max().item<double>();
        EXPECT_LT(g, 1e-3 * weight) << item.key();
      } else {
        EXPECT_GT(g, 0.0) << item.key();
      }
    }
  }
  {
    // Eval mode batch norm (running statistics) makes that bias matter as well;
    // 2D, four levels, so the gating conv and three ds heads are covered too.
    AttentionUNet net(AttentionUNetOptions(2, 2, 3).channels({4, 8, 8, 16}).gated_levels({0, 1, 2}).norm(
        Normalization::Batch));
    net->eval();
    backwardThroughAllOutputs(net, torch::randn({2, 2, 24, 20}));
    for (const auto& item : net->named_parameters()) {
      ASSERT_TRUE(item.value().grad().defined()) << item.key();
      EXPECT_GT(item.value().grad().abs().max().item<double>(), 0.0) << item.key();
    }
  }
}

TEST(AttentionUNetTest, ParameterCountOfDefault3DNetwork) {
  // AttentionUNetOptions(3, 1, 2): channels {16, 32, 64, 128, 256}, instance norm
  // (2 affine parameters per channel), gates on levels 1, 2, 3, deep supervision on.
  // ConvBlock(in -> out), 3x3x3 convs without bias: 27*out*(in + out) + 4*out
  //   encoder0   1 -> 16 :   7,344 +   64 =     7,408
  //   encoder1  16 -> 32 :  41,472 +  128 =    41,600
  //   encoder2  32 -> 64 : 165,888 +  256 =   166,144
  //   encoder3  64 -> 128: 663,552 +  512 =   664,064
  //   encoder4 128 -> 256: 2,654,208 + 1,024 = 2,655,232        encoders: 3,534,448
  // gating: 1x1x1 conv 256 -> 256 without bias 65,536 + norm 512   =      66,048
  // AttentionGate(C, G = 2C, I = C/2): theta 8*I*C, phi I*G + I, psi I + 1,
  //   W_conv C*C + C, W_norm 2C
  //   gate1 C=32 : 4,096 + 1,040 + 17 + 1,056 + 64     =   6,273
  //   gate2 C=64 : 16,384 + 4,128 + 33 + 4,160 + 128   =  24,833
  //   gate3 C=128: 65,536 + 16,448 + 65 + 16,512 + 256 =  98,817     gates: 129,923
  //   decoder3 384 -> 128: 1,769,472 + 512 = 1,769,984
  //   decoder2 192 -> 64 :   442,368 + 256 =   442,624
  //   decoder1  96 -> 32 :   110,592 + 128 =   110,720
  //   decoder0  48 -> 16 :    27,648 +  64 =    27,712                decoders: 2,351,040
  // head 16*2 + 2 = 34; ds1 32*2 + 2 = 66, ds2 64*2 + 2 = 130, ds3 128*2 + 2 = 258
  // total = 3,534,448 + 66,048 + 129,923 + 2,351,040 + 34 + 454 = 6,081,947
  AttentionUNet net(AttentionUNetOptions(3, 1, 2));
  EXPECT_EQ(net->parameter_count(), 6081947);

  // The model file stores weights by these names.
  const auto parameters = net->named_parameters();
  for (const char* name : {"encoder0.conv1.weight", "encoder4.norm2.bias", "gating_conv.weight",
                           "gating_norm.weight", "gate1.theta.weight", "gate3.W_norm.bias", "decoder0.conv2.weight",
                           "decoder3.norm1.weight", "head.weight", "head.bias", "ds1.weight", "ds3.bias"})
    EXPECT_NE(parameters.find(name), nullptr) << name;
  for (const char* name : {"gate0.theta.weight", "ds0.weight", "decoder4.conv1.weight", "gating_conv.bias"})
    EXPECT_EQ(parameters.find(name), nullptr) << name;
}

TEST(AttentionUNetTest, OptionsJsonRoundTrip) {
  const auto options = AttentionUNetOptions(2, 3, 5)
                           .channels({8, 16, 32, 64})
                           .norm(Normalization::Batch)
                           .gated_levels({0, 2})
                           .deep_supervision(false);
  const nlohmann::json json = options.toJson();
  EXPECT_EQ(json.at("norm"), "batch");
  EXPECT_EQ(json.at("channels"), nlohmann::json({8, 16, 32, 64}));
  const auto back = AttentionUNetOptions::fromJson(nlohmann::json::parse(json.dump()));
  EXPECT_EQ(back.spatial_dims(), 2);
  EXPECT_EQ(back.in_channels(), 3);
  EXPECT_EQ(back.num_classes(), 5);
  EXPECT_EQ(back.channels(), (Shape{8, 16, 32, 64}));
  EXPECT_EQ(back.norm(), Normalization::Batch);
  EXPECT_EQ(back.gated_levels(), (Shape{0, 2}));
  EXPECT_FALSE(back.deep_supervision());
  EXPECT_EQ(back.toJson(), json);

  // Missing keys keep their defaults.
  const auto partial = AttentionUNetOptions::fromJson(nlohmann::json{{"num_classes", 4}});
  EXPECT_EQ(partial.num_classes(), 4);
  EXPECT_EQ(partial.toJson().at("channels"), AttentionUNetOptions().toJson().at("channels"));
  EXPECT_EQ(partial.norm(), Normalization::Instance);
}

TEST(AttentionUNetTest, RejectsBadOptions) {
  const std::vector<std::string> bad = {
      R"([1, 2])",
      R"({"spatial_dims": 4})",
      R"({"spatial_dims": "3"})",
      R"({"spatial_dims": 2.5})",
      R"({"in_channels": 0})",
      R"({"num_classes": 1})",
      R"({"num_classes": 18446744073709551615})",
      R"({"channels": [16], "gated_levels": []})",
      R"({"channels": [8, 0], "gated_levels": []})",
      R"({"channels": "16,32"})",
      R"({"channels": [8, "x"]})",
      R"({"norm": "group"})",
      R"({"norm": 1})",
      R"({"channels": [8, 16, 32], "gated_levels": [2]})",
      R"({"gated_levels": [1, 1]})",
      R"({"gated_levels": [-1]})",
      R"({"gated_levels": 1})",
      R"({"deep_supervision": "yes"})",
      R"({"chanels": [8, 16]})",
  };
  for (const auto& text : bad) {
    // Only core::Error may escape, never a nlohmann exception.
    try {
      AttentionUNetOptions::fromJson(nlohmann::json::parse(text));
      ADD_FAILURE() << "accepted " << text;
    } catch (const core::Error& e) {
      EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos) << e.what();
    } catch (const std::exception& e) {
      ADD_FAILURE() << text << " threw a non-core::Error: " << e.what();
    }
  }
  EXPECT_THROW(AttentionUNetOptions(3, 1, 2).channels({8, 16}).gated_levels({1}).validate(), core::Error);  // level 1 has no skip
  EXPECT_NO_THROW(AttentionUNetOptions(3, 1, 2).channels({8, 16}).gated_levels({0}).validate());
  EXPECT_THROW(AttentionUNet(AttentionUNetOptions(1, 1, 2)), core::Error);
  try {
    normalizationFromString("group");
    ADD_FAILURE() << "accepted group";
  } catch (const core::Error& e) {
    EXPECT_STREQ(e.what(), "unknown normalization 'group' (expected batch or instance)");
  }
  EXPECT_EQ(normalizationFromString(toString(Normalization::Instance)), Normalization::Instance);
}

TEST(AttentionUNetTest, WrongInputIsAOneLineError) {
  AttentionUNet net(AttentionUNetOptions(3, 1, 2).channels({4, 8}).gated_levels({0}));
  try {
    net->forward(torch::randn({1, 3, 8, 8, 8}));
    ADD_FAILURE() << "accepted 3 channels";
  } catch (const core::Error& e) {
    EXPECT_STREQ(e.what(), "network expects 1 input channel(s), got 3");
  }
  EXPECT_THROW(net->forward(torch::randn({1, 1, 8, 8})), core::Error);
  EXPECT_THROW(net->forward(torch::zeros({1, 1, 8, 8, 8}, torch::kLong)), core::Error);
  EXPECT_THROW(net->forward(torch::randn({0, 1, 8, 8, 8})), core::Error);
}

TEST(AttentionUNetOptionsTest, DefaultGatesEverySkipButTheFinestForAnyDepth) {
  EXPECT_EQ(AttentionUNetOptions().gated_levels(), (Shape{1, 2, 3}));
  EXPECT_EQ(AttentionUNetOptions().channels({8, 16, 32}).gated_levels(), (Shape{1}));
  EXPECT_EQ(AttentionUNetOptions().channels({8, 16}).gated_levels(), (Shape{}));
  EXPECT_EQ(AttentionUNetOptions().channels({8, 16, 32}).gated_levels({}).gated_levels(), (Shape{}));
  EXPECT_NO_THROW(AttentionUNet(AttentionUNetOptions(2, 1, 2).channels({4, 8, 16, 32})));
}

}  // namespace
}  // namespace aunet::model
