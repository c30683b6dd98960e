/**
 * The cycle-accurate weight-stationary NPU simulator, its memory system and statistics (issue 5).
 */
package org.flexiq.simulator;
