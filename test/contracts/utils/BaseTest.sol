// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Vm} from "./Vm.sol";
import {Assertions} from "./Assertions.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IMarketUnderTest} from "./IMarketUnderTest.sol";
import {GridleaseToken} from "../../../contracts/token/GridleaseToken.sol";
import {AllowlistPolicy} from "../../../contracts/policies/AllowlistPolicy.sol";
import {TestUSD} from "../../../contracts/mocks/TestUSD.sol";
import {OfferParams} from "../../../contracts/types/DataTypes.sol";

/// @notice The one fixture every Solidity test starts from: a deployed market with both payment tokens allowed,
/// a registered and bonded provider, and funded buyers that have approved the market.
abstract contract BaseTest is Assertions {
    Vm internal constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));

    uint256 internal constant FEE_BPS = 250; // 2.5%
    uint256 internal constant WINDOW = 1 hours;
    uint256 internal constant PENALTY_BPS = 5_000; // half the offer's minimum bond
    uint256 internal constant H100_PRICE = 1_950_000; // $1.95 per GPU-hour in 6-decimal USD
    uint256 internal constant MIN_BOND = 1_000e6; // in the offers' payment token (6-decimal USD)
    uint256 internal constant PROVIDER_BOND = 5_000e6;
    uint256 internal constant GRID_MIN_BOND = 1_000e18; // a GRID offer's minimum bond, in GRID
    uint256 internal constant GRID_BOND = 5_000e18; // what a provider selling in GRID bonds in GRID
    bytes32 internal constant PUBKEY = keccak256("buyer x25519 public key");
    uint256 internal constant START_TIME = 1_767_225_600; // 2026-01-01T00:00:00Z

    uint256 internal constant BUYER_KEY = 0xB0B;
    uint256 internal constant BUYER2_KEY = 0xCA201;

    address internal owner = address(0x0A11CE);
    address internal treasury = address(0x7EA5);
    address internal provider = address(0x9201);
    address internal provider2 = address(0x9202);
    address internal buyer;
    address internal buyer2;
    address internal stranger = address(0x5742);

    /// @dev The market's production artifact: tests deploy exactly the bytecode that ships.
    uint256 internal constant REPAIR_WINDOW = 4 hours;
    string internal constant MARKET_ARTIFACT = "contracts/GridleaseMarket.sol:GridleaseMarket";
    string internal constant EXTENSION_ARTIFACT =
        "contracts/GridleaseMarketExtension.sol:GridleaseMarketExtension";
    string internal constant PERIPHERY_ARTIFACT =
        "contracts/GridleaseMarketPeriphery.sol:GridleaseMarketPeriphery";

    IMarketUnderTest internal market;
    GridleaseToken internal grid;
    TestUSD internal usd;
    AllowlistPolicy internal policy;

    /// @dev The market's creation bytecode, read once: a cheatcode call between `expectRevert` and a deployment
    /// would take the expectation.
    bytes internal marketCode;
    bytes internal extensionCode;
    bytes internal peripheryCode;

    function setUp() public virtual {
        marketCode = vm.getCode(MARKET_ARTIFACT);
        extensionCode = vm.getCode(EXTENSION_ARTIFACT);
        peripheryCode = vm.getCode(PERIPHERY_ARTIFACT);
        vm.warp(START_TIME);
        buyer = vm.addr(BUYER_KEY);
        buyer2 = vm.addr(BUYER2_KEY);

        grid = new GridleaseToken(address(this), 100_000_000e18);
        usd = new TestUSD();
        policy = new AllowlistPolicy();
        market = _deployMarket(owner, treasury, grid, FEE_BPS, WINDOW, PENALTY_BPS);
        vm.startPrank(owner);
        market.setPaymentToken(address(usd), true);
        market.setPaymentToken(address(grid), true);
        vm.stopPrank();

        address[4] memory funded = [provider, provider2, buyer, buyer2];
        for (uint256 i = 0; i < funded.length; ++i) {
            usd.mint(funded[i], 10_000_000e6);
            grid.transfer(funded[i], 1_000_000e18);
            vm.startPrank(funded[i]);
            usd.approve(address(market), type(uint256).max);
            grid.approve(address(market), type(uint256).max);
            vm.stopPrank();
        }

        vm.startPrank(provider);
        market.registerProvider("ipfs://provider/brisbane-dc1");
        market.depositBond(address(usd), PROVIDER_BOND);
        vm.stopPrank();
    }

    /// @dev Deploys a market from its production artifacts, as the Ignition module does: its periphery, its
    /// extension, then the market. `vm.expectRevert` takes the first deployment, so a test expecting the market's
    /// constructor to revert deploys the extension first (`_extensionFor`) and then calls `_deployMarketWith`.
    function _deployMarket(
        address owner_,
        address treasury_,
        IERC20 bondToken,
        uint256 feeBps_,
        uint256 window,
        uint256 penaltyBps
    ) internal returns (IMarketUnderTest deployed) {
        address extension = _extensionFor(bondToken, penaltyBps);
        return _deployMarketWith(extension, owner_, treasury_, bondToken, feeBps_, window, penaltyBps);
    }

    /// @dev The periphery and the extension a market with these immutables delegates to, deployed from their
    /// artifacts; returns the extension.
    function _extensionFor(IERC20 bondToken, uint256 penaltyBps) internal returns (address extension) {
        address periphery = _createFrom(abi.encodePacked(peripheryCode, abi.encode(bondToken, penaltyBps)));
        extension = _createFrom(
            abi.encodePacked(extensionCode, abi.encode(bondToken, penaltyBps, periphery))
        );
    }

    /// @dev Deploys a market on `extension` from its production artifact; address zero if its constructor reverts.
    function _deployMarketWith(
        address extension,
        address owner_,
        address treasury_,
        IERC20 bondToken,
        uint256 feeBps_,
        uint256 window,
        uint256 penaltyBps
    ) internal returns (IMarketUnderTest deployed) {
        bytes memory initCode = abi.encodePacked(
            marketCode,
            abi.encode(owner_, treasury_, bondToken, feeBps_, window, penaltyBps, extension)
        );
        deployed = IMarketUnderTest(_createFrom(initCode));
    }

    /// @dev CREATE with `initCode`; address zero when the constructor reverts.
    function _createFrom(bytes memory initCode) internal returns (address at) {
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            at := create(0, add(initCode, 0x20), mload(initCode))
        }
    }

    /// @dev An 8xH100 server offer in Brisbane at $1.95 per GPU-hour, 16 servers, 1 hour to 30 days, 4-hour repairs.
    function _h100Params() internal view returns (OfferParams memory p) {
        p.gpuModel = bytes32("H100-SXM-80GB");
        p.gpusPerUnit = 8;
        p.totalUnits = 16;
        p.region = bytes8("AU-QLD");
        p.paymentToken = address(usd);
        p.pricePerGpuHour = H100_PRICE;
        p.minDuration = 1 hours;
        p.maxDuration = 30 days;
        p.repairWindow = REPAIR_WINDOW;
        p.minProviderBond = MIN_BOND;
        p.buyerPolicy = address(0);
        p.specHash = keccak256("spec");
        p.specURI = "ipfs://spec/hgx-h100-8x";
    }

    /// @dev `who` adds `amount` of `token` to its bond in that token.
    function _depositBond(address who, address token, uint256 amount) internal {
        vm.prank(who);
        market.depositBond(token, amount);
    }

    /// @dev `who`'s bond in `token`: its whole amount.
    function _bondOf(address who, address token) internal view returns (uint256) {
        return market.bondOf(who, token).amount;
    }

    /// @dev The part of `who`'s bond in `token` that live leases reserve.
    function _lockedOf(address who, address token) internal view returns (uint256) {
        return market.bondOf(who, token).locked;
    }

    function _createOffer(OfferParams memory p) internal returns (uint256 offerId) {
        vm.prank(provider);
        offerId = market.createOffer(p);
    }

    function _createDefaultOffer() internal returns (uint256) {
        return _createOffer(_h100Params());
    }

    function _open(
        address who,
        uint256 offerId,
        uint256 units,
        uint256 duration
    ) internal returns (uint256 id) {
        vm.prank(who);
        id = market.openLease(offerId, units, duration, type(uint256).max, PUBKEY);
    }

    function _activate(uint256 leaseId) internal {
        vm.prank(provider);
        market.activateLease(leaseId, _access());
    }

    /// @dev A 96-byte sealed payload, the size the gas targets assume.
    function _access() internal pure returns (bytes memory payload) {
        payload = new bytes(96);
        for (uint256 i = 0; i < 96; ++i) payload[i] = bytes1(uint8(i + 1));
    }

    /// @dev The contract's pricing, restated independently: floor(price * gpus * seconds / 3600).
    function _cost(uint256 price, uint256 gpus, uint256 seconds_) internal pure returns (uint256) {
        return (price * gpus * seconds_) / 3600;
    }
}
