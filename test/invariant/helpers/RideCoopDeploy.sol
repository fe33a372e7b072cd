// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";
import {CoopToken} from "../../../contracts/token/CoopToken.sol";
import {CoopGovernor} from "../../../contracts/governance/CoopGovernor.sol";
import {RideMarket} from "../../../contracts/market/RideMarket.sol";
import {ArbiterPool} from "../../../contracts/disputes/ArbiterPool.sol";
import {DisputeCourt} from "../../../contracts/disputes/DisputeCourt.sol";
import {IRideMarket} from "../../../contracts/interfaces/IRideMarket.sol";
import {IArbiterPool} from "../../../contracts/interfaces/IArbiterPool.sol";
import {IDisputeCourt} from "../../../contracts/interfaces/IDisputeCourt.sol";
import {IRandomness} from "../../../contracts/interfaces/IRandomness.sol";
import {RideCoopForwarder} from "../../../contracts/gasless/RideCoopForwarder.sol";

/// @title The suite as the fuzz deploys it: the one place its constructors are called
/// @notice Mirrors ignition/modules/RideCoop.ts with src/config.ts's local parameters (a
/// 6-decimal fare token): timelock, RIDE, governor, market, arbiter pool, court, the same
/// wiring (every user-facing contract trusting the suite's ERC-2771 forwarder; forge links the
/// market's ParameterRules library itself), and the deployer's timelock admin role renounced last. Only the randomness is the
/// caller's (a mock the fuzz fulfils). A constructor change is an edit here and nowhere else.
library RideCoopDeploy {
    uint256 internal constant FARE_UNIT = 1e6;

    struct Suite {
        IERC20 fareToken;
        TimelockController timelock;
        CoopToken token;
        CoopGovernor governor;
        RideMarket market;
        ArbiterPool pool;
        DisputeCourt court;
        IRandomness randomness;
        RideCoopForwarder forwarder;
    }

    /// @notice Market parameters: src/config.ts MARKET.
    function marketParams() internal pure returns (IRideMarket.Params memory) {
        return
            IRideMarket.Params({
                feeBps: 500,
                holdersShareBps: 5_000,
                rewardPerToken: 1e18,
                gracePeriod: 120,
                pickupWindow: 15 minutes,
                noShowWindow: 5 minutes,
                confirmWindow: 1 hours,
                rideWindow: 4 hours
            });
    }

    function marketAmounts() internal pure returns (IRideMarket.Amounts memory) {
        return
            IRideMarket.Amounts({
                minStake: uint80(50 * FARE_UNIT),
                cancellationFee: uint80(3 * FARE_UNIT),
                noShowPenalty: uint80(5 * FARE_UNIT)
            });
    }

    function rewardCaps() internal pure returns (IRideMarket.RewardCaps memory) {
        return IRideMarket.RewardCaps({pairFareCap: uint96(40 * FARE_UNIT), driverFareCap: uint96(2_000 * FARE_UNIT)});
    }

    function poolParams() internal pure returns (IArbiterPool.PoolParams memory) {
        return IArbiterPool.PoolParams({drawLock: 10e18, slashBps: 5_000, unstakeCooldown: 7 days});
    }

    function courtParams() internal pure returns (IDisputeCourt.CourtParams memory) {
        return
            IDisputeCourt.CourtParams({
                disputeFee: uint96(5 * FARE_UNIT),
                arbiterFee: uint96(2 * FARE_UNIT),
                rulingDeadline: 1 days,
                appealWindow: 1 days,
                appealFeeBase: uint96(10 * FARE_UNIT),
                appealFeeGrowthBps: 20_000,
                maxFailedDraws: 3
            });
    }

    uint256 internal constant RIDE_CAP = 100_000_000e18;
    uint256 internal constant TIMELOCK_DELAY = 60;
    uint48 internal constant VOTING_DELAY = 1;
    uint32 internal constant VOTING_PERIOD = 5 minutes;
    uint256 internal constant PROPOSAL_THRESHOLD = 1e18;
    uint256 internal constant QUORUM_PERCENT = 4;
    uint48 internal constant LATE_QUORUM_EXTENSION = 60;

    /// @notice Deploys and wires the suite from the calling contract (its initializer).
    function deploy(IERC20 fareToken, IRandomness randomness) internal returns (Suite memory s) {
        s.fareToken = fareToken;
        s.randomness = randomness;
        address[] memory none = new address[](0);
        address[] memory anyone = new address[](1); // address(0): anyone may execute
        s.timelock = new TimelockController(TIMELOCK_DELAY, none, anyone, address(this));
        address timelock = address(s.timelock);
        s.forwarder = new RideCoopForwarder();
        address forwarder = address(s.forwarder);
        s.token = new CoopToken(RIDE_CAP, fareToken, timelock, forwarder);
        s.governor = new CoopGovernor(
            s.token,
            s.timelock,
            VOTING_DELAY,
            VOTING_PERIOD,
            PROPOSAL_THRESHOLD,
            QUORUM_PERCENT,
            LATE_QUORUM_EXTENSION,
            forwarder
        );
        s.market = new RideMarket(
            fareToken,
            s.token,
            timelock,
            marketParams(),
            marketAmounts(),
            rewardCaps(),
            forwarder
        );
        s.pool = new ArbiterPool(s.token, randomness, timelock, poolParams(), forwarder);
        s.court = new DisputeCourt(s.market, s.pool, timelock, courtParams(), forwarder);

        s.token.setMinter(address(s.market));
        s.pool.setCourt(address(s.court));
        s.market.setCourt(address(s.court));
        s.timelock.grantRole(s.timelock.PROPOSER_ROLE(), address(s.governor));
        s.timelock.grantRole(s.timelock.CANCELLER_ROLE(), address(s.governor));
        s.timelock.renounceRole(s.timelock.DEFAULT_ADMIN_ROLE(), address(this));
    }
}
