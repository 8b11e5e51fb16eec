package com.example.kimi;

import org.pf4j.Plugin;

/** The PF4J entry point; the adapter holds no state. */
public class KimiPlugin extends Plugin {
}
