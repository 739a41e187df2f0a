/**
 * Drill scenarios: the JSON files under {@code drills/}, their validating loader, and the signal model that
 * turns a scenario, a seed and the remediations applied into metric samples over drill time.
 */
package dev.opshub.drills;
