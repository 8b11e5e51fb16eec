package io.modelbridge.gateway.it;

import io.modelbridge.testkit.ernie.ErnieSimulator;
import io.modelbridge.testkit.glm.GlmSimulator;
import io.modelbridge.testkit.spark.SparkSimulator;

/** Every bundled vendor's simulator, for the client SDK ITs: {@link ThreeVendors}, GLM, ERNIE and Spark. */
record SixVendors(ThreeVendors three, GlmSimulator glm, ErnieSimulator ernie, SparkSimulator spark)
        implements AutoCloseable {
    /** The aliases {@link #routeOn} makes, one per vendor. */
    static final String[] ALIASES = {"smart", "ds", "qwen", "glm", "ernie", "spark"};

    static SixVendors start() {
        return new SixVendors(ThreeVendors.start(), GlmSimulator.start(), ErnieSimulator.start(),
                SparkSimulator.start());
    }

    /** The {@link #ALIASES}, each to its vendor's channel, and DeepSeek's reasoner as {@code reasoner}. */
    void routeOn(RunningGateway gateway) {
        three.routeOn(gateway);
        three.routeReasonerOn(gateway);
        gateway.channel("glm", "glm", glm.baseUri().toString(), glm.apiKey(), "glm-4-plus");
        gateway.channel("ernie", "ernie", ernie.baseUri().toString(), ernie.credential(), "ERNIE-3.5-8K");
        gateway.channel("spark", "spark", spark.baseUri().toString(), spark.credential(), "spark-max");
        gateway.alias("glm", "glm", "glm-4-plus");
        gateway.alias("ernie", "ernie", "ERNIE-3.5-8K");
        gateway.alias("spark", "spark", "spark-max");
    }

    @Override
    public void close() {
        three.close();
        glm.close();
        ernie.close();
        spark.close();
    }
}
