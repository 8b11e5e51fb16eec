package io.modelbridge.gateway.it;

import io.modelbridge.testkit.deepseek.DeepSeekSimulator;
import io.modelbridge.testkit.openai.OpenAiSimulator;
import io.modelbridge.testkit.qwen.QwenSimulator;

/** The openai, deepseek and qwen simulators that the dialect and SDK ITs put behind one gateway. */
record ThreeVendors(OpenAiSimulator openai, DeepSeekSimulator deepseek, QwenSimulator qwen) implements AutoCloseable {

    static ThreeVendors start() {
        return new ThreeVendors(OpenAiSimulator.start(), DeepSeekSimulator.start(), QwenSimulator.start());
    }

    /** Channels sim, ds and dashscope with one model each, called as the aliases smart, ds and qwen. */
    void routeOn(RunningGateway gateway) {
        gateway.channel("sim", "openai", openai.baseUri().toString(), openai.apiKey(), "gpt-4o");
        gateway.channel("ds", "deepseek", deepseek.baseUri().toString(), deepseek.apiKey(), "deepseek-chat");
        gateway.channel("dashscope", "qwen", qwen.baseUri().toString(), qwen.apiKey(), "qwen-plus");
        gateway.alias("smart", "sim", "gpt-4o");
        gateway.alias("ds", "ds", "deepseek-chat");
        gateway.alias("qwen", "dashscope", "qwen-plus");
    }

    /** Channel ds-r with deepseek-reasoner, called as the alias reasoner. */
    void routeReasonerOn(RunningGateway gateway) {
        gateway.channel("ds-r", "deepseek", deepseek.baseUri().toString(), deepseek.apiKey(), "deepseek-reasoner");
        gateway.alias("reasoner", "ds-r", "deepseek-reasoner");
    }

    /** Undoes the faults and knobs a test set. */
    void reset() {
        openai.reset();
        deepseek.reset();
        qwen.reset();
    }

    @Override
    public void close() {
        openai.close();
        deepseek.close();
        qwen.close();
    }
}
