// Every task of the project, one file per role. Loaded by hardhat.config.ts once typechain-types exist.
import "./deploy";
import "./account";
import "./rider";
import "./driver";
import "./ride";
import "./keeper";
import "./arbiter";
import "./gov";
import "./time";
