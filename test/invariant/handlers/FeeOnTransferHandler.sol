// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {FeeOnTransferToken} from "../../../contracts/mocks/FeeOnTransferToken.sol";
import {IRideMarket} from "../../../contracts/interfaces/IRideMarket.sol";
import {RideCoopDeploy} from "../helpers/RideCoopDeploy.sol";
import {VM} from "../helpers/Vm.sol";

/// @title The market on a fare token whose fee on transfer is switched on and off
/// @notice The token's fee moves between 0 and 10% (a dormant fee switch, as some stablecoins
/// have). Every pull (a request's escrow, a stake) must succeed exactly when nothing is taken
/// (no fee, or one that rounds to zero) and otherwise revert with
/// `FeeOnTransferToken(sent, received)` for the exact amounts; rides run and pay out whatever
/// the fee; a withdrawal lowers the market's balance by exactly the credit. The market's balance
/// and its owed total stay equal to what was pulled less what was paid out.
contract FeeOnTransferHandler {
    uint256 internal constant UNIT = RideCoopDeploy.FARE_UNIT;
    bytes6 internal constant CELL = "u4pruy";

    FeeOnTransferToken public immutable fot;
    IRideMarket public immutable market;
    address[4] public actors = [address(0xF000), address(0xF001), address(0xF002), address(0xF003)];

    uint256 public gFeeBps = 100;
    uint256 public gOwed; // pulled less paid out
    uint256[] internal _requested;
    mapping(bytes32 action => uint256) public calls;
    uint256 public violations;
    string public lastViolation;

    constructor(RideCoopDeploy.Suite memory s) {
        fot = FeeOnTransferToken(address(s.fareToken));
        market = s.market;
        for (uint256 i = 0; i < 4; i++) {
            fot.mint(actors[i], 100_000 * UNIT);
            VM.prank(actors[i]);
            fot.approve(address(market), type(uint256).max);
        }
        // The two drivers registered while the fee was off.
        fot.setFeeBps(0);
        for (uint256 i = 0; i < 2; i++) {
            VM.prank(actors[i]);
            market.registerDriver(60 * UNIT);
            gOwed += 60 * UNIT;
        }
        fot.setFeeBps(gFeeBps);
    }

    function actions() external pure returns (bytes4[] memory a) {
        a = new bytes4[](7);
        a[0] = this.setFee.selector;
        a[1] = this.request.selector;
        a[2] = this.addStake.selector;
        a[3] = this.ride.selector;
        a[4] = this.cancel.selector;
        a[5] = this.withdraw.selector;
        a[6] = this.warp.selector;
    }

    /// @notice The token's owner switches the fee (off one time in three).
    function setFee(uint256 seed) external {
        gFeeBps = seed % 3 == 0 ? 0 : seed % 1_001;
        fot.setFeeBps(gFeeBps);
        calls["setFee"]++;
    }

    function request(uint256 riderSeed, uint256 fareSeed) external {
        address rider = actors[2 + (riderSeed % 2)];
        // Small fares too, where a fee of a few bps rounds to zero.
        uint256 fare = fareSeed % 2 == 0 ? 1 + (fareSeed % 500) : 1 + (fareSeed % (20 * UNIT));
        IRideMarket.RideRequest memory req = IRideMarket.RideRequest({
            pickupCell: CELL,
            dropoffCell: CELL,
            commitment: bytes32(fareSeed),
            maxFare: fare,
            expiresAt: uint40(block.timestamp + 600),
            minRating: 0,
            driver: address(0)
        });
        VM.prank(rider);
        try market.requestRide(req) returns (uint256 id) {
            _pulled(fare, "requestRide");
            _requested.push(id);
        } catch (bytes memory err) {
            _refused(fare, err, "requestRide");
        }
    }

    function addStake(uint256 driverSeed, uint256 amount) external {
        amount = 1 + (amount % (10 * UNIT));
        VM.prank(actors[driverSeed % 2]);
        try market.addStake(amount) {
            _pulled(amount, "addStake");
        } catch (bytes memory err) {
            _refused(amount, err, "addStake");
        }
    }

    /// @notice A free driver takes the latest open request and drives it to the rider's
    /// confirmation: escrow becomes the driver's credit, the treasury's and the holders' share.
    function ride(uint256 driverSeed) external {
        uint256 n = _requested.length;
        if (n == 0) return;
        uint256 id = _requested[n - 1];
        _requested.pop();
        IRideMarket.Ride memory r = market.getRide(id);
        if (r.state != IRideMarket.RideState.Requested || block.timestamp > r.stamp) return;
        address driver = actors[driverSeed % 2];
        if (market.getAccount(driver).activeRide != 0) return;
        VM.startPrank(driver);
        market.acceptRide(id, r.fare);
        market.startRide(id);
        market.completeRide(id);
        VM.stopPrank();
        VM.prank(r.rider);
        market.confirmRide(id, 5);
        calls["ride"]++;
    }

    function cancel(uint256 seed) external {
        uint256 n = _requested.length;
        if (n == 0) return;
        uint256 i = seed % n;
        uint256 id = _requested[i];
        _requested[i] = _requested[n - 1];
        _requested.pop();
        IRideMarket.Ride memory r = market.getRide(id);
        if (r.state != IRideMarket.RideState.Requested) return;
        VM.prank(r.rider);
        market.cancelRide(id);
        calls["cancel"]++;
    }

    /// @notice A withdrawal lowers the market's balance by exactly the credit, fee or not, once.
    function withdraw(uint256 seed) external {
        address a = actors[seed % 4];
        uint256 credit = market.creditOf(a);
        uint256 before = fot.balanceOf(address(market));
        VM.prank(a);
        try market.withdraw(a) returns (uint256 amount) {
            if (amount != credit || before - fot.balanceOf(address(market)) != credit) {
                _violation("a withdrawal moved other than the credit");
            }
            if (market.creditOf(a) != 0) _violation("a credit survived its withdrawal");
            gOwed -= credit;
            calls["withdraw"]++;
        } catch {
            if (credit != 0) _violation("a credited account could not withdraw");
        }
    }

    function warp(uint256 seed) external {
        VM.warp(block.timestamp + 1 + (seed % 1 hours));
        calls["warp"]++;
    }

    function _pulled(uint256 amount, bytes32 what) internal {
        if ((amount * gFeeBps) / 10_000 != 0) _violation("a pull that lost a fee was accepted");
        gOwed += amount;
        calls[what]++;
    }

    function _refused(uint256 amount, bytes memory err, bytes32 what) internal {
        uint256 fee = (amount * gFeeBps) / 10_000;
        if (fee == 0) {
            // The only other refusal: a request the driver-less market cannot take (none here).
            _violation("an exact pull was refused");
        } else if (
            keccak256(err) !=
            keccak256(abi.encodeWithSelector(IRideMarket.FeeOnTransferToken.selector, amount, amount - fee))
        ) {
            _violation("a fee-on-transfer pull refused with another error than FeeOnTransferToken(sent, received)");
        }
        calls[bytes32(uint256(what) | 1)]++;
    }

    function _violation(string memory why) internal {
        violations++;
        lastViolation = why;
    }
}
