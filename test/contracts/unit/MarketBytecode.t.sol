// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {BaseTest} from "../utils/BaseTest.sol";
import {IMarketUnderTest} from "../utils/IMarketUnderTest.sol";

/// @notice Tests compile with cheaper settings than the contracts (see hardhat.config.ts), so they must not test a
/// market of their own making: they deploy the production artifact. This checks that the code they run is, byte
/// for byte, that artifact's runtime code, with only the immutables filled in.
contract MarketBytecode_Unit_Test is BaseTest {
    uint256 internal constant ODD_PENALTY_BPS = 4_321;

    function test_WhenTheTestsDeployTheMarket_ItShouldRunTheArtifactsRuntimeCode() public {
        IMarketUnderTest m = _deployMarket(owner, treasury, grid, FEE_BPS, WINDOW, ODD_PENALTY_BPS);
        bytes32[] memory immutables = new bytes32[](3);
        immutables[0] = bytes32(uint256(uint160(address(grid))));
        immutables[1] = bytes32(ODD_PENALTY_BPS);
        immutables[2] = bytes32(uint256(uint160(m.EXTENSION())));
        _assertRuntimeIsArtifact(address(m), MARKET_ARTIFACT, immutables);
    }

    function test_WhenTheTestsDeployTheExtension_ItShouldRunTheArtifactsRuntimeCode() public {
        IMarketUnderTest m = _deployMarket(owner, treasury, grid, FEE_BPS, WINDOW, ODD_PENALTY_BPS);
        // The extension's immutables: the market's two, its own address (its guard against direct calls) and the
        // periphery it delegates to.
        bytes32[] memory immutables = new bytes32[](4);
        immutables[0] = bytes32(uint256(uint160(address(grid))));
        immutables[1] = bytes32(ODD_PENALTY_BPS);
        immutables[2] = bytes32(uint256(uint160(m.EXTENSION())));
        immutables[3] = bytes32(uint256(uint160(m.PERIPHERY())));
        _assertRuntimeIsArtifact(m.EXTENSION(), EXTENSION_ARTIFACT, immutables);
    }

    function test_WhenTheTestsDeployThePeriphery_ItShouldRunTheArtifactsRuntimeCode() public {
        IMarketUnderTest m = _deployMarket(owner, treasury, grid, FEE_BPS, WINDOW, ODD_PENALTY_BPS);
        // The periphery's immutables: the market's two and its own address (its guard against direct calls).
        bytes32[] memory immutables = new bytes32[](3);
        immutables[0] = bytes32(uint256(uint160(address(grid))));
        immutables[1] = bytes32(ODD_PENALTY_BPS);
        immutables[2] = bytes32(uint256(uint160(m.PERIPHERY())));
        _assertRuntimeIsArtifact(m.PERIPHERY(), PERIPHERY_ARTIFACT, immutables);
    }

    /// @dev The code at `at` is the artifact's runtime code, with only the immutables `values` filled in.
    function _assertRuntimeIsArtifact(
        address at,
        string memory artifactName,
        bytes32[] memory values
    ) internal view {
        bytes memory artifact = vm.getDeployedCode(artifactName);
        bytes memory deployed = at.code;
        assertEq(deployed.length, artifact.length, "runtime size");
        bool[] memory found = new bool[](values.length);
        uint256 i = 0;
        while (i < deployed.length) {
            if (deployed[i] == artifact[i]) {
                ++i;
                continue;
            }
            // A difference must lie in an immutable's slot: 32 bytes left zero in the artifact, holding one of the
            // constructor's values in the deployed code. Values are right-aligned, so the slot starts up to 31
            // bytes before the first differing byte.
            (uint256 slot, uint256 value) = _immutableSlotAround(artifact, deployed, i, values);
            assertTrue(slot != type(uint256).max, "a byte differs outside the immutables");
            found[value] = true;
            i = slot + 32;
        }
        // Every immutable is read by the code, so each must have been filled in somewhere: a comparison that
        // masked nothing would be vacuous, and a missing one means the code is not the one the artifact describes.
        for (uint256 v = 0; v < values.length; ++v) {
            assertTrue(found[v], "an immutable is not found in the runtime code");
        }
    }

    function test_WhenTheTestsDeployTheMarket_ItShouldAnswerEveryFunctionTheTestInterfaceDeclares()
        public
        view
    {
        // IMarketUnderTest restates the market's inherited getters; a wrong one would fail here, not in a test of
        // behaviour.
        assertEq(market.MAX_FEE_BPS(), 1_000, "MAX_FEE_BPS");
        assertEq(market.MAX_UNITS(), type(uint16).max, "MAX_UNITS");
        assertEq(market.MAX_GPUS_PER_UNIT(), 1_024, "MAX_GPUS_PER_UNIT");
        assertEq(market.MAX_LEASE_DURATION(), 1_096 days, "MAX_LEASE_DURATION");
        assertEq(market.MIN_ACTIVATION_WINDOW(), 1 minutes, "MIN_ACTIVATION_WINDOW");
        assertEq(market.MAX_ACTIVATION_WINDOW(), 7 days, "MAX_ACTIVATION_WINDOW");
        assertEq(market.MAX_ACCESS_BYTES(), 4_096, "MAX_ACCESS_BYTES");
        assertEq(market.MAX_CLAIM_BATCH(), 200, "MAX_CLAIM_BATCH");
        assertEq(market.MAX_PAYMENT_TOKENS(), 64, "MAX_PAYMENT_TOKENS");
        assertEq(address(market.BOND_TOKEN()), address(grid), "BOND_TOKEN");
        assertEq(market.PENALTY_BPS(), PENALTY_BPS, "PENALTY_BPS");
        assertEq(market.owner(), owner, "owner");
        assertEq(market.pendingOwner(), address(0), "pendingOwner");
        assertEq(market.treasury(), treasury, "treasury");
        assertEq(market.feeBps(), FEE_BPS, "feeBps");
        assertEq(market.activationWindow(), WINDOW, "activationWindow");
        assertEq(market.paymentTokens().length, 2, "paymentTokens");
        assertTrue(market.isPaymentToken(address(usd)), "isPaymentToken");
        assertTrue(!market.paused(), "paused");
        assertEq(market.offerCount(), 0, "offerCount");
        assertEq(market.leaseCount(), 0, "leaseCount");
        assertEq(market.protocolFees(address(usd)), 0, "protocolFees");
        assertEq(market.escrowOf(1), 0, "escrowOf");
        assertTrue(market.getProvider(provider).registered, "getProvider");
        assertEq(market.getOffer(1).provider, address(0), "getOffer");
        assertEq(market.MAX_ATTESTATION_REPORT_BYTES(), 8_192, "MAX_ATTESTATION_REPORT_BYTES");
        assertEq(market.MAX_ATTESTATION_CHAIN_BYTES(), 16_384, "MAX_ATTESTATION_CHAIN_BYTES");
        assertEq(market.ATTESTATION_BLOCK_WINDOW(), 256, "ATTESTATION_BLOCK_WINDOW");
    }

    /// @dev The start of the 32-byte slot covering byte `i` that is zero in `artifact` and holds one of `values` in
    /// `deployed`, and that value's index; type(uint256).max if there is none.
    function _immutableSlotAround(
        bytes memory artifact,
        bytes memory deployed,
        uint256 i,
        bytes32[] memory values
    ) internal pure returns (uint256, uint256) {
        uint256 from = i < 31 ? 0 : i - 31;
        for (uint256 start = from; start <= i && start + 32 <= deployed.length; ++start) {
            if (_wordAt(artifact, start) != bytes32(0)) continue;
            bytes32 word = _wordAt(deployed, start);
            for (uint256 v = 0; v < values.length; ++v) {
                if (word == values[v]) return (start, v);
            }
        }
        return (type(uint256).max, 0);
    }

    function _wordAt(bytes memory data, uint256 offset) internal pure returns (bytes32 word) {
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            word := mload(add(add(data, 0x20), offset))
        }
    }
}
